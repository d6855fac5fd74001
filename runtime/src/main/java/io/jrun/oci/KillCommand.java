package io.jrun.oci;

import io.jrun.cli.Specs;
import io.jrun.linux.Signals;
import io.jrun.runtime.oci.Kill;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code kill}: a signal to the container's process, or with --all to every process of it. */
final class KillCommand implements Callable<Integer> {
    private final OciCommand root;
    final CommandSpec spec;
    String id;
    String signal = "SIGTERM";
    boolean all;

    KillCommand(OciCommand root) {
        this.root = root;
        spec = Specs.command(this, "kill", "Send a signal to a container's process (default SIGTERM).");
        spec.addOption(Specs.flag(v -> all = v, () -> all, "-a", "--all")
                .description("Signal every process in the container's cgroup.").build());
        spec.addPositional(Specs.positional("0", "ID", v -> id = v, () -> id).description("The container's ID.").build());
        spec.addPositional(Specs.positional("1", "SIGNAL", v -> signal = v, () -> signal).arity("0..1").required(false)
                .description("A name (TERM, SIGTERM) or number.").build());
    }

    @Override
    public Integer call() throws Exception {
        int number = Signals.parse(signal);
        Kill.run(root.openRoot(), id, number, all);
        return 0;
    }
}
