package io.jrun.oci;

import io.jrun.cli.Specs;
import io.jrun.runtime.oci.Start;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code start}: let a created container's process run. */
final class StartCommand implements Callable<Integer> {
    private final OciCommand root;
    final CommandSpec spec;
    String id;

    StartCommand(OciCommand root) {
        this.root = root;
        spec = Specs.command(this, "start", "Start a created container: its process runs.");
        spec.addPositional(Specs.positional("0", "ID", v -> id = v, () -> id).description("The container's ID.").build());
    }

    @Override
    public Integer call() throws Exception {
        for (String warning : Start.run(root.openRoot(), id)) {
            System.err.println("jrun-oci: warning: " + warning);
            root.log("warning", warning);
        }
        return 0;
    }
}
