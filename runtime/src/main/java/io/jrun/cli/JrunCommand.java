package io.jrun.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;

/** {@code jrun}: the root command and its global options. */
@Command(name = "jrun",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A daemonless container runtime: fetch OCI and Docker images and run them as isolated pods.",
        exitCodeOnExecutionException = ExitCodes.JRUN_ERROR,
        exitCodeOnInvalidInput = ExitCodes.JRUN_ERROR)
public final class JrunCommand implements Runnable {

    @Option(names = "--dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "State directory: image store and pods (default: ${DEFAULT-VALUE}).",
            defaultValue = "${env:JRUN_DIR:-/var/lib/jrun}")
    Path dir;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
