package io.jrun.nativetests.vm;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.DerivedImage;
import io.jrun.nativetests.harness.TestImages;
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
    /** busybox with StopSignal SIGUSR1. */
    static String usr1Image;
    private final List<String> units = new ArrayList<>();

    @BeforeAll
    static void image() throws Exception {
        jrun = VmJrun.in(state);
        busybox = jrun.fetchBusybox();
        Path derived = DerivedImage.withConfig(TestImages.layout("busybox"), state.resolve("usr1-image"),
                config -> config.put("StopSignal", "SIGUSR1"));
        usr1Image = jrun.fetch("oci:" + derived + ":latest");
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

    /**
     * systemctl start UNIT; when it fails, the failure says why: the unit's journal (with systemd's
     * debug lines about its notifications and main process) and its state.
     */
    private static void startOrExplain(String unit) {
        Tools.check(List.of("systemctl", "log-level", "debug"), 60);
        Tools.Result started;
        try {
            started = Tools.run(List.of("systemctl", "start", unit), 300);
        } finally {
            Tools.check(List.of("systemctl", "log-level", "info"), 60);
        }
        if (started.exitCode() != 0) {
            String state = Tools.run(List.of("systemctl", "show", "-p", "Result,ActiveState,SubState,MainPID,ExecMainPID,"
                    + "ExecMainCode,ExecMainStatus,ControlPID,StatusText,NotifyAccess", unit), 60).output();
            String log = Tools.run(List.of("journalctl", "--no-pager", "-o", "short-precise", "-u", unit), 60).output();
            throw new AssertionError("systemctl start " + unit + ": " + started.output() + "\n--- properties:\n" + state
                    + "\n--- journalctl -u " + unit + ":\n" + log);
        }
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

    /**
     * podman's quadlet pattern: jrun run -d --sd-notify=conmon sends MAINPID= conmon with READY=1
     * and exits; conmon, PID 1's child since it double-forked, is the unit's main process, whose
     * exit status is the app's. systemctl stop runs ExecStop=jrun stop, which sends the image's
     * StopSignal (SIGUSR1 here: a SIGTERM would run the other trap).
     */
    @Test
    void withSdNotifyConmonConmonIsTheMainProcessNoJvmStaysAndTheUnitEndsWithTheAppsCode(@TempDir Path dir) throws Exception {
        Path app = Files.writeString(dir.resolve("app.sh"), """
                trap 'echo stopping-on-usr1; exit 7' USR1
                trap 'echo wrong-signal-term; exit 9' TERM
                echo hello-conmon; echo err-conmon >&2
                while :; do sleep 0.2; done
                """);
        String unit = "jrun-vm-conmon.service";
        unit(unit, """
                [Service]
                Type=notify
                Delegate=yes
                KillMode=mixed
                TimeoutStartSec=300
                TimeoutStopSec=300
                ExecStart=%s
                ExecStop=-%s
                """.formatted(jrunCommand("run", "-d", "--sd-notify=conmon", "--rm", "--name", "vm-conmon",
                        "-v", app + ":/app.sh:ro", usr1Image, "sh", "/app.sh"), jrunCommand("stop", "vm-conmon")));
        startOrExplain(unit); // returns once READY=1 has come
        assertThat(show(unit, "ActiveState")).isEqualTo("active");
        String conmon = show(unit, "MainPID");
        assertThat(Files.readString(Path.of("/proc", conmon, "comm")).strip()).as("the unit's main process").isEqualTo("conmon");
        assertThat(Files.readString(Path.of("/proc", conmon, "stat")).replaceAll(".*\\) . ([0-9]+) .*", "$1").strip())
                .as("conmon's parent: systemd, which therefore waits for it").isEqualTo("1");
        String appPid = show(unit, "StatusText").replaceAll(".* app pid ", "");
        assertThat(show(unit, "StatusText")).matches("pod [0-9a-f-]{36} running, app pid [0-9]+");
        assertThat(Files.readAllLines(Path.of("/proc", appPid, "cgroup")).getLast())
                .matches("0::/system\\.slice/jrun-vm-conmon\\.service/pod-[0-9a-f-]{36}");
        Path unitCgroup = Path.of("/sys/fs/cgroup/system.slice", unit);
        List<String> left = javaProcessesIn(unitCgroup);
        for (int i = 0; i < 600 && !left.isEmpty(); i++) { // jrun's JVM exits right after READY=1
            Thread.sleep(500);
            left = javaProcessesIn(unitCgroup);
        }
        assertThat(left).as("JVMs in the unit while it runs").isEmpty();
        String journal = journal(unit);
        for (int i = 0; i < 120 && !(journal.contains("hello-conmon") && journal.contains("err-conmon")); i++) {
            Thread.sleep(500); // conmon's entries reach the journal a moment after the app wrote them
            journal = journal(unit);
        }
        assertThat(journal).as("conmon logs to the journal by default in this mode").contains("hello-conmon", "err-conmon");

        Tools.check(List.of("systemctl", "stop", unit), 300);
        assertThat(show(unit, "ExecMainPID")).isEqualTo(conmon);
        assertThat(show(unit, "ExecMainCode")).as("ExecMainCode: CLD_EXITED").isEqualTo("1");
        assertThat(show(unit, "ExecMainStatus")).as("conmon exits with the app's code").isEqualTo("7");
        assertThat(journal(unit)).contains("stopping-on-usr1").doesNotContain("wrong-signal-term");
        assertThat(unitCgroup).doesNotExist();
        assertThat(jrun.run("status", "vm-conmon").exitCode()).as("--rm: conmon's exit command removed the pod").isEqualTo(125);
    }

    /**
     * A foreground jrun run --supervisor=conmon in a Type=notify unit: jrun sends READY=1 as the
     * main process, then becomes conmon in the same process, so the main pid stays and no JVM
     * stays; systemctl stop's SIGTERM (KillMode=mixed: to the main process only) reaches the app
     * through conmon, and the unit ends with the app's code; the app's output is the journal's.
     */
    @Test
    void aForegroundRunUnderConmonKeepsItsMainPidLosesItsJvmAndEndsWithTheAppsCode(@TempDir Path dir) throws Exception {
        Path app = Files.writeString(dir.resolve("app.sh"), """
                trap 'echo stopping-on-term; exit 7' TERM
                echo hello-fg-conmon; echo err-fg-conmon >&2
                while :; do sleep 0.2; done
                """);
        String unit = "jrun-vm-fg-conmon.service";
        unit(unit, """
                [Service]
                Type=notify
                Delegate=yes
                KillMode=mixed
                TimeoutStartSec=300
                TimeoutStopSec=300
                ExecStart=%s
                """.formatted(jrunCommand("run", "--supervisor=conmon", "--rm", "--name", "vm-fg-conmon",
                        "-v", app + ":/app.sh:ro", busybox, "sh", "/app.sh")));
        startOrExplain(unit); // returns once READY=1 has come, from the JVM
        assertThat(show(unit, "ActiveState")).isEqualTo("active");
        String main = show(unit, "MainPID");
        String appPid = show(unit, "StatusText").replaceAll(".* app pid ", "");
        Path unitCgroup = Path.of("/sys/fs/cgroup/system.slice", unit);
        List<String> left = javaProcessesIn(unitCgroup);
        for (int i = 0; i < 600 && !left.isEmpty(); i++) { // the JVM execs conmon right after READY=1
            Thread.sleep(500);
            left = javaProcessesIn(unitCgroup);
        }
        assertThat(left).as("JVMs in the unit while it runs").isEmpty();
        assertThat(show(unit, "MainPID")).as("the main process stays the same pid").isEqualTo(main);
        assertThat(Files.readString(Path.of("/proc", main, "comm")).strip()).as("the unit's main process").isEqualTo("conmon");
        assertThat(Files.readString(Path.of("/proc", appPid, "stat")).replaceAll(".*\\) . ([0-9]+) .*", "$1").strip())
                .as("the app's parent").isEqualTo(main);

        Tools.check(List.of("systemctl", "stop", unit), 300);
        assertThat(show(unit, "ExecMainPID")).isEqualTo(main);
        assertThat(show(unit, "ExecMainCode")).as("ExecMainCode: CLD_EXITED").isEqualTo("1");
        assertThat(show(unit, "ExecMainStatus")).as("conmon exits with the app's code").isEqualTo("7");
        assertThat(journal(unit)).contains("hello-fg-conmon", "err-fg-conmon", "stopping-on-term");
        assertThat(unitCgroup).doesNotExist();
        assertThat(jrun.run("status", "vm-fg-conmon").exitCode()).as("--rm: conmon's exit command removed the pod").isEqualTo(125);
    }

    /** The pids in a cgroup and its descendants whose command is java. */
    private static List<String> javaProcessesIn(Path cgroup) throws IOException {
        List<String> java = new ArrayList<>();
        try (var procs = Files.walk(cgroup)) {
            for (Path p : procs.filter(f -> f.getFileName().toString().equals("cgroup.procs")).toList()) {
                for (String pid : Files.readAllLines(p)) {
                    try {
                        if (Files.readString(Path.of("/proc", pid, "comm")).strip().equals("java")) {
                            java.add(pid);
                        }
                    } catch (IOException gone) {
                        // ended meanwhile
                    }
                }
            }
        }
        return java;
    }

    /** jrun run -d --log-driver=journald: jrun logs reads the pod's entries from the journal, streams apart. */
    @Test
    void aJournaldPodsOutputIsInTheJournalAndJrunLogsReadsIt() throws Exception {
        // conmon reads stdout and stderr apart: only the order within a stream is kept, so the
        // stderr line comes well before the others
        JrunCli.Result started = jrun.run("run", "-d", "--log-driver=journald", "--name", "vm-journald", busybox,
                "sh", "-c", "echo err-first >&2; sleep 2; echo one; echo two; echo three; exit 5");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        String uuid = started.stdout().strip();
        JrunCli.Result status = jrun.run("status", "--wait", "vm-journald");
        assertThat(status.stdout()).as(status.toString()).contains("exit-code=5");
        try (var files = Files.walk(state)) {
            assertThat(files.filter(f -> f.toString().contains(uuid) && f.getFileName().toString().equals("ctr.log")))
                    .as("no k8s-file log beside the journal").isEmpty();
        }
        Tools.check(List.of("journalctl", "--sync"), 60);
        assertThat(Tools.check(List.of("journalctl", "--no-pager", "-o", "cat", "CONTAINER_ID_FULL=" + uuid), 60)
                .lines().filter(l -> !l.isBlank())).containsExactly("err-first", "one", "two", "three");
        assertThat(Tools.check(List.of("journalctl", "--no-pager", "-o", "cat", "CONTAINER_NAME=vm-journald",
                "PRIORITY=3"), 60).lines().filter(l -> !l.isBlank())).as("stderr's entries").containsExactly("err-first");
        JrunCli.Result logs = jrun.run("logs", "vm-journald");
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.stdout()).isEqualTo("one\ntwo\nthree\n");
        assertThat(logs.stderr()).isEqualTo("err-first\n");
        JrunCli.Result tail = jrun.run("logs", "--tail", "2", "vm-journald");
        assertThat(tail.stdout() + tail.stderr()).as(tail.toString()).isEqualTo("two\nthree\n");
        JrunCli.Result since = jrun.run("logs", "--since", "2000-01-01T00:00:00Z", "-f", "vm-journald");
        assertThat(since.stdout()).as("--since long ago, and -f of an exited pod returns").isEqualTo("one\ntwo\nthree\n");
        assertThat(jrun.run("logs", "--since", "1s", "vm-journald").stdout()).as("--since after the last line").isEmpty();
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
