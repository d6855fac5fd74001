package io.jrun.oci;

import io.jrun.cli.Specs;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.oci.Create;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code create}: the container, its process waiting to be started. */
final class CreateCommand implements Callable<Integer> {
    private final OciCommand root;
    final CommandSpec spec;
    String id;
    Path bundle = Path.of(".");
    Path pidFile;
    Path consoleSocket;
    int preserveFds;

    CreateCommand(OciCommand root) {
        this.root = root;
        spec = Specs.command(this, "create", "Create a container from a bundle; its process waits until start.");
        addOptions(spec);
        spec.addPositional(Specs.positional("0", "ID", v -> id = v, () -> id).description("The container's ID.").build());
    }

    /** The options create shares with run. */
    void addOptions(CommandSpec spec) {
        spec.addOption(Specs.option(Path.class, "DIR", v -> bundle = v, () -> bundle, "-b", "--bundle")
                .description("The bundle directory (default: the current one).").build());
        spec.addOption(Specs.option(Path.class, "FILE", v -> pidFile = v, () -> pidFile, "--pid-file")
                .description("Write the container process's pid to FILE.").build());
        spec.addOption(Specs.option(Path.class, "SOCKET", v -> consoleSocket = v, () -> consoleSocket, "--console-socket")
                .description("With process.terminal: the Unix socket the terminal's master is sent to.").build());
        spec.addOption(Specs.option(Integer.class, "N", v -> preserveFds = v, () -> preserveFds, "--preserve-fds")
                .description("Pass descriptors 3 to 3+N-1 on to the container.").build());
        spec.addOption(Specs.flag(v -> { }, () -> false, "--no-pivot")
                .description("Accepted for runc compatibility; jrun-oci always pivots.").build());
        spec.addOption(Specs.flag(v -> { }, () -> false, "--no-new-keyring")
                .description("Accepted for runc compatibility; the container keeps jrun-oci's session keyring.").build());
    }

    Create.Options options() {
        if (preserveFds < 0) {
            throw new IllegalArgumentException("--preserve-fds must not be negative");
        }
        return new Create.Options(bundle, pidFile, consoleSocket, preserveFds, Stdio.inherit(), root.noCgroups());
    }

    @Override
    public Integer call() throws Exception {
        Create.run(root.openRoot(), id, options());
        return 0; // OciMain halts: the process waits on without this JVM
    }
}
