package io.jrun.nativetests.terminal;

import io.jrun.linux.Processes;
import io.jrun.linux.Termios;
import io.jrun.linux.Terminals;
import io.jrun.linux.WindowSize;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user's terminal leaves raw mode however the JVM ends while a session holds it: the
 * shutdown hook of RawMode, in a separate JVM (RawModeProbe) whose stdin is the test's terminal.
 */
class RawModeRestoreTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"exit, 0, 7", "throw, 0, 1", "wait-for-signal, 15, 143", "wait-for-signal, 2, 130",
            "wait-for-signal, 1, 129"})
    void theTerminalIsRestoredWhenTheJvmEnds(String how, int signal, int exitCode) throws Exception {
        try (UserTerminal user = UserTerminal.open(WindowSize.of(24, 80))) {
            Termios before = Terminals.attributes(user.slaveFd());
            String java = ProcessHandle.current().info().command().orElseThrow();
            // env resets the three signals to their defaults: a test run started in the background
            // of a shell inherits SIGINT ignored, and a JVM leaves an ignored signal ignored
            Process probe = new ProcessBuilder(List.of("env", "--default-signal=HUP,INT,TERM", java,
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                    "-Xmx64m", "-cp", System.getProperty("java.class.path"), "io.jrun.runtime.terminal.RawModeProbe", how))
                    .redirectInput(new File(user.slavePath()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).as("the probe's report").isEqualTo("raw");
                if (signal != 0) {
                    assertThat(Terminals.attributes(user.slaveFd())).as("raw while the probe runs").isEqualTo(before.raw());
                    // the JVM runs its shutdown hooks on SIGTERM, SIGINT and SIGHUP unless they are
                    // ignored (then it leaves them ignored): say so rather than wait
                    String status = Files.readString(Path.of("/proc/" + probe.pid() + "/status"));
                    long ignored = Long.parseLong(status.replaceAll("(?s).*\nSigIgn:\t([0-9a-f]+).*", "$1"), 16);
                    assertThat(ignored & (1L << (signal - 1))).as("signal " + signal + " ignored by the probe, inherited from "
                            + "the test's JVM: the JVM would not run its shutdown hooks").isZero();
                    Processes.kill(probe.pid(), signal);
                }
                assertThat(probe.waitFor(120, TimeUnit.SECONDS)).as("the probe ended").isTrue();
                assertThat(probe.exitValue()).isEqualTo(exitCode);
            } finally {
                probe.destroyForcibly().waitFor();
            }
            assertThat(Terminals.attributes(user.slaveFd())).as("the user's terminal after the JVM ended").isEqualTo(before);
        }
    }
}
