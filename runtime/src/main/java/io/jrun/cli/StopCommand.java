package io.jrun.cli;

import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodStatus;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jrun stop POD…}: the image's StopSignal (or --signal), then SIGKILL after the timeout. */
final class StopCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private List<String> pods = new ArrayList<>();
    private String timeout = "10s";
    private boolean force;
    private String signal;

    StopCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "stop", "Stop running pods: the image's StopSignal (default SIGTERM) or --signal,",
                "then SIGKILL after --timeout; also pods whose jrun died while their app runs.",
                "Prints each pod's UUID once it has exited.");
        spec.addPositional(Specs.positionals("0..*", true, "POD", v -> pods = v, () -> pods)
                .description("Pods by name, UUID or unique UUID prefix.").build());
        spec.addOption(Specs.option(String.class, "DURATION", v -> timeout = v, () -> timeout, "-t", "--timeout")
                .defaultValue("10s").description("How long to wait before SIGKILL (default: ${DEFAULT-VALUE}).").build());
        spec.addOption(Specs.flag(v -> force = v, () -> force, "-f", "--force")
                .description("Send SIGKILL at once.").build());
        spec.addOption(Specs.option(String.class, "SIGNAL", v -> signal = v, () -> signal, "-s", "--signal")
                .description("Send this signal instead of the image's StopSignal (SIGUSR1, usr1 or 10).").build());
    }

    @Override
    public Integer call() throws Exception {
        var wait = Times.parseDuration(timeout);
        var stopSignal = signal == null ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(io.jrun.linux.Signals.parse(signal));
        Pods engine = Pods.open(root.dir);
        io.jrun.runtime.AppPods appPods = io.jrun.runtime.AppPods.of(engine);
        List<Object> found = new java.util.ArrayList<>();
        for (String pod : pods) {
            // every name is checked before anything is stopped; a pod of several apps first
            found.add(appPods.find(pod).isPresent() ? appPods.find(pod).get() : engine.find(pod));
        }
        for (Object target : found) {
            if (target instanceof io.jrun.runtime.pod.AppPodRecord pod) {
                appPods.stop(pod, stopSignal, wait, force); // every app, the last started first
                System.out.println(pod.uuid());
            } else if (target instanceof PodStatus pod) {
                engine.stop(pod, stopSignal, wait, force);
                System.out.println(pod.uuid());
            }
        }
        return 0;
    }
}
