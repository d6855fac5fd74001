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
 * jrun run's systemd options (--sd-notify, --log-driver) refused before anything is made, on this
 * host (their working is tested in the VM group's SystemdUnitsTest, under a real systemd).
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
    void mainPidIsRetiredInFavourOfConmonIsOneLineAnd125() throws Exception {
        JrunCli.Result r = jrun.withEnv(Map.of("NOTIFY_SOCKET", "/run/nonexistent-notify")).run("run",
                "--sd-notify=main-pid", busybox, "echo", "ran");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("jrun: --sd-notify=main-pid is retired (systemd could not wait for an app it did not"
                + " start): use jrun run -d --sd-notify=conmon, see docs/systemd.md\n");
        assertThat(pods()).isZero();
    }

    @Test
    void conmonModeNeedsADetachedPod() throws Exception {
        JrunCli.Result r = jrun.withEnv(Map.of("NOTIFY_SOCKET", "/run/nonexistent-notify")).run("run",
                "--sd-notify=conmon", busybox, "echo", "ran");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jrun: --sd-notify=conmon makes conmon the unit's main process, which needs a"
                + " detached pod: add -d (jrun run -d --sd-notify=conmon …)\n");
        assertThat(pods()).isZero();
    }

    @Test
    void conmonModeOutsideANotifyUnitIsOneLineAnd125() throws Exception {
        JrunCli.Result r = jrun.run("run", "-d", "--sd-notify=conmon", busybox, "echo", "ran");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("jrun: --sd-notify=conmon needs systemd's NOTIFY_SOCKET: run jrun from a unit"
                + " with Type=notify\n");
        assertThat(pods()).isZero();
    }

    @Test
    void anUnknownModeIsRefused() throws Exception {
        JrunCli.Result r = jrun.run("run", "--sd-notify=later", busybox, "echo", "ran");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jrun: invalid --sd-notify 'later': use jrun, container, conmon or ignore\n");
    }

    /** This host has no systemd, so no journal: a journald request is refused before anything is made. */
    @Test
    void theJournaldLogDriverOnAHostWithoutAJournalIsOneLineAnd125() throws Exception {
        assertThat(Path.of("/run/systemd/journal/socket")).as("this test needs a host without journald, as this project's is")
                .doesNotExist();
        JrunCli.Result r = jrun.run("run", "-d", "--log-driver=journald", busybox, "echo", "ran");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("jrun: --log-driver=journald needs systemd's journal, and this host has none"
                + " (/run/systemd/journal/socket is missing): use --log-driver=k8s-file\n");
        assertThat(pods()).isZero();
    }

    @Test
    void aLogDriverForAForegroundRunOrAnUnknownOneIsRefused() throws Exception {
        JrunCli.Result foreground = jrun.run("run", "--log-driver=k8s-file", busybox, "echo", "ran");
        assertThat(foreground.exitCode()).isEqualTo(125);
        assertThat(foreground.stderr()).isEqualTo("jrun: --log-driver is for pods under conmon (jrun run -d): a foreground"
                + " run's output goes to jrun's own stdout and stderr; drop --log-driver\n");
        JrunCli.Result unknown = jrun.run("run", "-d", "--log-driver=syslog", busybox, "echo", "ran");
        assertThat(unknown.exitCode()).isEqualTo(125);
        assertThat(unknown.stderr()).isEqualTo("jrun: invalid --log-driver 'syslog': use k8s-file or journald\n");
        assertThat(pods()).isZero();
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
