package io.jrun.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;

/** {@code jrun}: the root command and its global options. */
public final class JrunCommand implements Runnable {
    Path dir;
    boolean debug;
    final CommandSpec spec;

    JrunCommand() {
        spec = Specs.command(this, "jrun",
                "A daemonless container runtime: fetch OCI and Docker images and run them as isolated pods.");
        spec.versionProvider(new VersionProvider());
        spec.exitCodeOnExecutionException(ExitCodes.JRUN_ERROR).exitCodeOnInvalidInput(ExitCodes.JRUN_ERROR);
        spec.addOption(Specs.option(Path.class, "DIR", v -> dir = v, () -> dir, "--dir")
                .scopeType(ScopeType.INHERIT).defaultValue("${env:JRUN_DIR:-/var/lib/jrun}")
                .description("State directory: image store and pods (default: ${DEFAULT-VALUE}).").build());
        spec.addOption(Specs.flag(v -> debug = v, () -> debug, "--debug").scopeType(ScopeType.INHERIT)
                .description("Print stack traces of errors.").build());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
