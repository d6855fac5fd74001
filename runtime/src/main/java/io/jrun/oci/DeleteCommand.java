package io.jrun.oci;

import io.jrun.cli.Specs;
import io.jrun.runtime.oci.Delete;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code delete}: remove a stopped container (with --force, kill it first). */
final class DeleteCommand implements Callable<Integer> {
    private final OciCommand root;
    final CommandSpec spec;
    String id;
    boolean force;

    DeleteCommand(OciCommand root) {
        this.root = root;
        spec = Specs.command(this, "delete", "Remove a stopped container: its cgroup and state; run its poststop hooks.");
        spec.addOption(Specs.flag(v -> force = v, () -> force, "-f", "--force")
                .description("Kill a created or running container first.").build());
        spec.addPositional(Specs.positional("0", "ID", v -> id = v, () -> id).description("The container's ID.").build());
    }

    @Override
    public Integer call() throws Exception {
        for (String warning : Delete.run(root.openRoot(), id, force)) {
            System.err.println("jrun-oci: warning: " + warning);
            root.log("warning", warning);
        }
        return 0;
    }
}
