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
                .converters(JrunCommand::stateDir)
                .description("State directory: image store and pods (default: $JRUN_DIR, else /var/lib/jrun).").build());
        spec.addOption(Specs.flag(v -> debug = v, () -> debug, "--debug").scopeType(ScopeType.INHERIT)
                .description("Print stack traces of errors.").build());
    }

    /** An empty --dir (or JRUN_DIR) would be the working directory: refused before anything is made there. */
    private static Path stateDir(String text) {
        if (text.isBlank()) {
            throw new picocli.CommandLine.TypeConversionException(
                    "the state directory is empty: give a directory, or leave --dir and JRUN_DIR unset for /var/lib/jrun");
        }
        return Path.of(text);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
