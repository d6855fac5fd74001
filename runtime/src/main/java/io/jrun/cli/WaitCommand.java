package io.jrun.cli;

import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodStatus;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jrun wait POD…}: podman's wait; each pod's exit code once it has exited. */
final class WaitCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private List<String> pods = new ArrayList<>();

    WaitCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "wait", "Wait until pods have exited and print each one's exit code, in order;"
                + " exit with the last one's (125 when it is unknown).");
        spec.addPositional(Specs.positionals("0..*", true, "POD", v -> pods = v, () -> pods)
                .description("Pods by name, UUID or unique UUID prefix.").build());
    }

    @Override
    public Integer call() throws Exception {
        Pods engine = Pods.open(root.dir);
        int last = 0;
        for (PodStatus pod : PodViews.findAll(engine, pods)) { // every name is checked before waiting on any
            PodStatus exited = engine.awaitExit(pod);
            boolean known = exited.exit() != null && exited.exit().exitCodeKnown();
            last = known ? exited.exit().exitCode() : ExitCodes.JRUN_ERROR;
            System.out.println(known ? String.valueOf(last) : "unknown");
            System.out.flush();
        }
        return last;
    }
}
