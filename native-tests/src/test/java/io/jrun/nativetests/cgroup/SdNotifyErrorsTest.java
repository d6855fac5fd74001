package io.jrun.nativetests.cgroup;

import io.jrun.nativetests.fetch.JrunCli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jrun run's systemd options refused before anything is made, on any host (their working is
 * tested in the VM group's SystemdUnitsTest, under a real systemd).
 */
class SdNotifyErrorsTest {
    @TempDir
    static Path state;
    static JrunCli jrun;
    static String busybox;

    @BeforeAll
    static void image() throws Exception {
        jrun = new JrunCli(state);
        busybox = jrun.fetchBusybox();
    }

    @Test
    void mainPidOutsideANotifyUnitIsOneLineAnd125() throws Exception {
        JrunCli.Result r = jrun.run("run", "--sd-notify=main-pid", busybox, "echo", "ran");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("jrun: --sd-notify=main-pid needs systemd's NOTIFY_SOCKET: run jrun from a unit with Type=notify\n");
        assertThat(pods()).isZero();
    }

    @Test
    void mainPidWithRmIsRefused() throws Exception {
        JrunCli.Result r = jrun.withEnv(Map.of("NOTIFY_SOCKET", "/run/nonexistent-notify")).run("run", "--rm",
                "--sd-notify=main-pid", busybox, "echo", "ran");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jrun: --sd-notify=main-pid hands the app to systemd and exits: drop --rm"
                + " (jrun gc removes the pod once its app has exited)\n");
        assertThat(pods()).isZero();
    }

    @Test
    void anUnknownModeIsRefused() throws Exception {
        JrunCli.Result r = jrun.run("run", "--sd-notify=later", busybox, "echo", "ran");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jrun: invalid --sd-notify 'later': use jrun, container, main-pid or ignore\n");
    }

    private static long pods() throws IOException {
        Path run = state.resolve("pods/run");
        if (!Files.isDirectory(run)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(run)) {
            return s.count();
        }
    }
}
