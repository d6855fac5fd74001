package io.jrun.nativetests.vm;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jrun in systemd units as docs/systemd.md writes them: ExecStart=jrun run with Delegate=yes and
 * KillMode=mixed, Type=notify, systemctl stop through the image's StopSignal, output in the
 * journal, systemd-run --wait, and socket activation. Units go to /run/systemd/system and are
 * removed afterwards. Scripts are files bind-mounted into the container: systemd expands $ in
 * command lines.
 */
@Tag("vm")
class SystemdUnitsTest {
    @TempDir
    static Path state;
    static VmJrun jrun;
    static String busybox;
    private final List<String> units = new ArrayList<>();

    @BeforeAll
    static void image() throws Exception {
        jrun = VmJrun.in(state);
        busybox = jrun.fetchBusybox();
    }

    @AfterEach
    void removeUnits() throws Exception {
        for (String unit : units) {
            Tools.run(List.of("systemctl", "stop", unit), 120);
            Files.deleteIfExists(Path.of("/run/systemd/system", unit));
        }
        Tools.check(List.of("systemctl", "daemon-reload"), 120);
        for (String unit : units) {
            Tools.run(List.of("systemctl", "reset-failed", unit), 60);
        }
        assertThat(jrun.run("gc", "--grace-period", "0").exitCode()).isZero();
    }

    /** jrun's command line, for ExecStart= (no $ in it). */
    private static String jrunCommand(String... args) {
        return String.join(" ", jrun.commandLine(args));
    }

    private void unit(String name, String text) throws IOException {
        Files.writeString(Path.of("/run/systemd/system", name), text);
        units.add(name);
        Tools.check(List.of("systemctl", "daemon-reload"), 120);
    }

    private static String journal(String unit) {
        return Tools.check(List.of("journalctl", "--no-pager", "-o", "cat", "-u", unit), 60);
    }

    private static String show(String unit, String property) {
        return Tools.check(List.of("systemctl", "show", "-p", property, "--value", unit), 60).strip();
    }

    @Test
    void aNotifyUnitIsActiveOnceTheAppRunsLogsToTheJournalAndStopsThroughTheStopSignal(@TempDir Path dir) throws Exception {
        Path app = Files.writeString(dir.resolve("app.sh"), """
                trap 'echo stopping; exit 7' TERM
                echo hello-journal; echo err-journal >&2
                while :; do sleep 0.2; done
                """);
        String unit = "jrun-vm-notify.service";
        unit(unit, """
                [Service]
                Type=notify
                Delegate=yes
                KillMode=mixed
                TimeoutStartSec=300
                ExecStart=%s
                """.formatted(jrunCommand("run", "--rm", "-v", app + ":/app.sh:ro", busybox, "sh", "/app.sh")));
        Tools.check(List.of("systemctl", "start", unit), 300); // returns once jrun has sent READY=1
        assertThat(show(unit, "ActiveState")).isEqualTo("active");
        assertThat(show(unit, "StatusText")).matches("pod [0-9a-f-]{36} running, app pid [0-9]+");
        String appPid = show(unit, "StatusText").replaceAll(".* app pid ", "");
        String appCgroup = Files.readAllLines(Path.of("/proc", appPid, "cgroup")).getLast();
        assertThat(appCgroup).matches("0::/system\\.slice/jrun-vm-notify\\.service/pod-[0-9a-f-]{36}");
        String jrunPid = show(unit, "MainPID");
        assertThat(Files.readAllLines(Path.of("/proc", jrunPid, "cgroup")).getLast())
                .isEqualTo("0::/system.slice/jrun-vm-notify.service/supervisor");

        Tools.check(List.of("systemctl", "stop", unit), 300);
        assertThat(show(unit, "ExecMainStatus")).as("jrun exits with the app's code").isEqualTo("7");
        String journal = journal(unit);
        assertThat(journal).contains("hello-journal", "err-journal", "stopping");
        assertThat(Path.of("/sys/fs/cgroup/system.slice/jrun-vm-notify.service")).doesNotExist();
    }

    @Test
    void withSdNotifyMainPidJrunHandsTheAppToSystemdAndNoJvmStays(@TempDir Path dir) throws Exception {
        Path app = Files.writeString(dir.resolve("app.sh"), """
                trap 'echo stopping; exit 7' TERM
                echo up
                while :; do sleep 0.2; done
                """);
        String unit = "jrun-vm-mainpid.service";
        unit(unit, """
                [Service]
                Type=notify
                Delegate=yes
                KillMode=mixed
                TimeoutStartSec=300
                ExecStart=%s
                """.formatted(jrunCommand("run", "--sd-notify=main-pid", "-v", app + ":/app.sh:ro", busybox, "sh", "/app.sh")));
        Tools.check(List.of("systemctl", "start", unit), 300);
        String appPid = show(unit, "StatusText").replaceAll(".* app pid ", "");
        assertThat(show(unit, "MainPID")).as("the app is the unit's main process").isEqualTo(appPid);
        assertThat(Files.readAllLines(Path.of("/proc", appPid, "cgroup")).getLast())
                .matches("0::/system\\.slice/jrun-vm-mainpid\\.service/pod-[0-9a-f-]{36}");
        Path supervisor = Path.of("/sys/fs/cgroup/system.slice", unit, "supervisor/cgroup.procs");
        String left = Files.readString(supervisor);
        for (int i = 0; i < 600 && !left.isEmpty(); i++) { // jrun's JVM exits right after the handover
            Thread.sleep(500);
            left = Files.readString(supervisor);
        }
        assertThat(left).as("processes left in the unit besides the app (jrun's JVM)").isEmpty();
        assertThat(show(unit, "ActiveState")).isEqualTo("active");

        Tools.check(List.of("systemctl", "stop", unit), 300); // systemd signals the app itself
        assertThat(show(unit, "ActiveState")).isIn("inactive", "failed");
        assertThat(Path.of("/proc", appPid)).as("the app has ended with its unit").doesNotExist();
        // What docs/systemd.md says of this mode: when MAINPID= came the app was jrun's child, not
        // systemd's, so systemd took it as an "alien" main process, which it does not wait for. On
        // stop (KillMode=mixed) it sends KillSignal and, with nothing to wait for, SIGKILL at once:
        // the app's SIGTERM trap never runs, and the unit's status is that SIGKILL, not its code 7.
        String journal = journal(unit);
        assertThat(journal).contains("up").contains("Supervising process " + appPid + " which is not our child")
                .doesNotContain("stopping");
        assertThat(show(unit, "ExecMainCode")).as("ExecMainCode: CLD_KILLED").isEqualTo("2");
        assertThat(show(unit, "ExecMainStatus")).as("ExecMainStatus: the signal").isEqualTo("9");
    }

    @Test
    void systemdRunWaitReturnsTheAppsExitCodeAndOutput() {
        List<String> command = new ArrayList<>(List.of("systemd-run", "--unit=jrun-vm-run", "--quiet", "--wait", "--pipe",
                "--collect", "-p", "Delegate=yes", "-p", "KillMode=mixed", "--"));
        command.addAll(jrun.commandLine("run", "--rm", "--memory", "64m", busybox, "sh", "-c", "echo from-the-app; exit 3"));
        Tools.Result r = Tools.run(command, 300);
        assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
        assertThat(r.output()).contains("from-the-app");
    }

    @Test
    void socketActivationPassesTheListeningSocketAsFd3WithListenPid1(@TempDir Path dir) throws Exception {
        Path app = Files.writeString(dir.resolve("app.sh"), """
                echo "activated LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID fd3=$(readlink /proc/self/fd/3) fd4=$(readlink /proc/self/fd/4)"
                sleep 600
                """);
        unit("jrun-vm-sock.socket", """
                [Socket]
                ListenStream=127.0.0.1:18089
                """);
        unit("jrun-vm-sock.service", """
                [Service]
                Delegate=yes
                KillMode=mixed
                ExecStart=%s
                """.formatted(jrunCommand("run", "--rm", "-v", app + ":/app.sh:ro", busybox, "sh", "/app.sh")));
        Tools.check(List.of("systemctl", "start", "jrun-vm-sock.socket"), 60);
        String inode = Tools.check(List.of("sh", "-c", "ls -l /proc/1/fd | grep -o 'socket:\\[[0-9]*\\]' | sort -u"), 60);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 18089)); // activates the service
        }
        String line = "";
        for (int i = 0; i < 600 && !line.contains("activated"); i++) { // until the app has written (TCG: JVM start-up)
            Thread.sleep(500);
            line = journal("jrun-vm-sock.service").lines().filter(l -> l.startsWith("activated")).collect(Collectors.joining());
        }
        assertThat(line).startsWith("activated LISTEN_FDS=1 LISTEN_PID=1 fd3=socket:[").endsWith("] fd4=");
        String fd3 = line.replaceAll(".*fd3=(socket:\\[[0-9]+\\]).*", "$1");
        assertThat(inode).as("systemd's listening socket").contains(fd3);
    }
}
