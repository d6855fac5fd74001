package io.jrun.cli;

import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodStatus;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jrun rm POD…}: removes exited pods. */
final class RmCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private List<String> pods = new ArrayList<>();
    private boolean force;

    RmCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "rm", "Remove exited pods and their writable layers.");
        spec.addPositional(Specs.positionals("0..*", true, "POD", v -> pods = v, () -> pods)
                .description("Pods by name, UUID or unique UUID prefix.").build());
        spec.addOption(Specs.flag(v -> force = v, () -> force, "-f", "--force")
                .description("Kill and remove running pods too (and pods whose jrun died while their app runs).").build());
    }

    @Override
    public Integer call() throws Exception {
        Pods engine = Pods.open(root.dir);
        io.jrun.runtime.AppPods appPods = io.jrun.runtime.AppPods.of(engine);
        List<Object> found = new ArrayList<>();
        for (String pod : pods) {
            var several = appPods.find(pod); // a pod of several apps first
            if (several.isPresent()) {
                if (!force && appPods.phase(several.get()).equals("running")) {
                    throw new IllegalStateException("pod " + several.get().label()
                            + " is running: stop it first (jrun stop), or pass --force");
                }
                found.add(several.get());
                continue;
            }
            PodStatus p = engine.find(pod);
            if (!force) {
                Pods.checkRemovable(p); // running, or abandoned by its jrun with its app still running
            }
            found.add(p); // every pod is checked before anything is removed
        }
        for (Object target : found) {
            if (target instanceof io.jrun.runtime.pod.AppPodRecord pod) {
                appPods.remove(pod, force); // its apps, its namespaces, its record
                System.out.println(pod.uuid());
            } else if (target instanceof PodStatus p) {
                engine.remove(p, force);
                System.out.println(p.uuid());
            }
        }
        return 0;
    }
}
