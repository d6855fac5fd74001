package io.jrun.nativetests.vm;

import io.jrun.nativetests.fetch.JrunCli;

import java.nio.file.Path;
import java.util.Map;

/** The jrun CLI in the guest: C1 only, as ./jrun runs it; under TCG the C2 compiler's work costs more than it saves. */
final class VmJrun {
    private VmJrun() {
    }

    /** jrun's command line for a unit or systemd-run, which pass no JDK_JAVA_OPTIONS. */
    static java.util.List<String> commandLine(JrunCli jrun, String... args) {
        java.util.List<String> command = new java.util.ArrayList<>(jrun.command(args).command());
        command.add(1, "-XX:TieredStopAtLevel=1");
        return command;
    }

    static JrunCli cli(Path state) {
        return new JrunCli(state).withEnv(Map.of("JDK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1"));
    }
}
