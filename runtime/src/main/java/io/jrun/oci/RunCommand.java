package io.jrun.oci;

import io.jrun.cli.Specs;
import io.jrun.runtime.launch.CreatedContainer;
import io.jrun.runtime.oci.Create;
import io.jrun.runtime.oci.Delete;
import io.jrun.runtime.oci.OciRoot;
import io.jrun.runtime.oci.Start;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/**
 * {@code run}: create, start and (unless --detach) wait; the container is deleted when it ends
 * unless --keep. Signals to jrun-oci are not forwarded: conmon and podman use create and start.
 */
final class RunCommand implements Callable<Integer> {
    private final OciCommand root;
    final CommandSpec spec;
    private final CreateCommand create;
    boolean detach;
    boolean keep;

    RunCommand(OciCommand root) {
        this.root = root;
        create = new CreateCommand(root);
        spec = Specs.command(this, "run", "Create and start a container, and wait for it (delete it after, unless --keep).");
        create.addOptions(spec);
        spec.addOption(Specs.flag(v -> detach = v, () -> detach, "-d", "--detach")
                .description("Return once the container runs.").build());
        spec.addOption(Specs.flag(v -> keep = v, () -> keep, "--keep")
                .description("Do not delete the container when it ends.").build());
        spec.addPositional(Specs.positional("0", "ID", v -> create.id = v, () -> create.id)
                .description("The container's ID.").build());
    }

    @Override
    public Integer call() throws Exception {
        OciRoot oci = root.openRoot();
        CreatedContainer created = Create.run(oci, create.id, create.options());
        if (detach) {
            Start.run(oci, create.id);
            return 0;
        }
        CreatedContainer.StartedContainer started = created.start();
        started.hookWarnings().forEach(w -> System.err.println("jrun-oci: warning: " + w));
        int code = started.container().waitForExit();
        if (!keep) {
            Delete.run(oci, create.id, false).forEach(w -> System.err.println("jrun-oci: warning: " + w));
        }
        return code;
    }
}
