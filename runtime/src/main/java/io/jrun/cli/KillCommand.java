package io.jrun.cli;

import io.jrun.linux.Signals;
import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodStatus;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jrun kill [--signal S] POD…}: one signal to each pod's app, as podman kill sends it. */
final class KillCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private List<String> pods = new ArrayList<>();
    private String signal = "SIGKILL";

    KillCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "kill", "Send a signal to running pods' apps (their pid 1), without waiting;"
                + " prints each pod's UUID.");
        spec.addPositional(Specs.positionals("0..*", true, "POD", v -> pods = v, () -> pods)
                .description("Pods by name, UUID or unique UUID prefix.").build());
        spec.addOption(Specs.option(String.class, "SIGNAL", v -> signal = v, () -> signal, "-s", "--signal")
                .defaultValue("SIGKILL").description("The signal: a name with or without SIG, any case, or a number"
                        + " (default: ${DEFAULT-VALUE}).").build());
    }

    @Override
    public Integer call() throws Exception {
        int number = Signals.parse(signal); // bad input is refused before anything is signalled
        Pods engine = Pods.open(root.dir);
        for (PodStatus pod : PodViews.findAll(engine, pods)) {
            engine.kill(pod, number);
            System.out.println(pod.uuid());
        }
        return 0;
    }
}
