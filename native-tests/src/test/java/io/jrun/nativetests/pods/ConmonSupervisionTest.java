package io.jrun.nativetests.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.nativetests.harness.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jrun run -d} under conmon, with the real CLI, conmon and kernel: jrun prepares and
 * starts the pod and exits, conmon supervises the app (no JVM stays), records its exit and its
 * output, and its exit command (jrun cleanup) writes exit.json and removes what the pod had.
 * A SIGKILLed conmon is PodLifecycleTest's abandoned supervisor.
 */
@ExtendWith(HostLeftAsItWas.class)
class ConmonSupervisionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path state;
    static JrunCli jrun;
    static String busybox;

    @BeforeAll
    static void image() throws Exception {
        Tools.require("conmon");
        jrun = new JrunCli(state);
        busybox = jrun.fetchBusybox();
    }

    @AfterEach
    void nothingLeft() throws Exception {
        List<String> leftRunning = new java.util.ArrayList<>();
        for (JsonNode pod : JSON.readTree(ok("list", "--format", "json").stdout())) {
            if (pod.get("state").asText().equals("running")) {
                leftRunning.add(pod.get("uuid").asText());
                jrun.run("stop", "-t", "0", pod.get("uuid").asText()); // so that the next test starts clean
            }
        }
        ok("gc", "--grace-period", "0");
        for (String dir : List.of("pods/prepare", "pods/run", "pods/exited-garbage", "pods/garbage", "pods/exits")) {
            assertThat(entries(state.resolve(dir))).as(dir + " after gc").isEmpty();
        }
        assertThat(entries(state.resolve("oci")).stream().filter(p -> !p.getFileName().toString().startsWith(".")))
                .as("jrun-oci's containers after gc").isEmpty();
        assertThat(conmonsOfThisState()).as("conmon processes left").isEmpty();
        assertThat(leftRunning).as("pods the test left running").isEmpty();
    }

    @Test
    void aDetachedPodKeepsNoJvmItsAppIsConmonsChildAndStopRecordsTheExit() throws Exception {
        String uuid = ok("run", "-d", busybox, "sleep", "600").stdout().strip();
        Path pod = state.resolve("pods/run").resolve(uuid);
        long app = JSON.readTree(pod.resolve("pid.json").toFile()).get("pid").asLong();

        List<String> javas = ProcessHandle.allProcesses()
                .filter(p -> running(p.pid()) && comm(p.pid()).equals("java") && cmdline(p.pid()).contains(state.toString()))
                .map(p -> p.pid() + " " + cmdline(p.pid()))
                .toList();
        assertThat(javas).as("JVMs that stay for the pod (jrun commands name its state directory)").isEmpty();

        long conmon = ProcessHandle.of(app).flatMap(ProcessHandle::parent).orElseThrow().pid();
        assertThat(comm(conmon)).as("the app's parent").isEqualTo("conmon");
        assertThat(Files.readString(pod.resolve("conmon.pid")).strip()).isEqualTo(Long.toString(conmon));
        if (Files.isRegularFile(Path.of("/sys/fs/cgroup/memory/cgroup.event_control"))) {
            // this hybrid host: conmon must not register its OOM eventfd in the app's cgroup v1
            // memory hierarchy, which belongs to the machine; in its mount namespace a tmpfs covers it
            String memory = Files.readAllLines(Path.of("/proc/" + conmon + "/mountinfo")).stream()
                    .filter(l -> l.split(" ")[4].equals("/sys/fs/cgroup/memory")).reduce((a, b) -> b).orElse("");
            assertThat(memory).as("conmon's view of /sys/fs/cgroup/memory").contains(" - tmpfs ");
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).as("the host's own view")
                    .contains(" /sys/fs/cgroup/memory rw").doesNotContain(" /sys/fs/cgroup/memory ro,");
        }
        Path cgroup = Path.of(Files.readString(pod.resolve("cgroup")).strip());
        assertThat(Files.readAllLines(cgroup.resolve("cgroup.procs"))).as("only the app in the pod's cgroup")
                .containsExactly(Long.toString(app));
        assertThat(status(uuid, "state")).isEqualTo("running");

        assertThat(ok("stop", "-t", "0", uuid).stdout()).isEqualTo(uuid + "\n");
        // stop returns once conmon's exit command has run: exit.json written, cgroup removed
        JsonNode exit = JSON.readTree(pod.resolve("exit.json").toFile());
        assertThat(exit.get("exitCode").asInt()).isEqualTo(137);
        assertThat(exit.get("reason").asText()).isEqualTo("signal");
        assertThat(status(uuid, "state")).isEqualTo("exited");
        assertThat(cgroup).as("the pod's cgroup after stop").doesNotExist();
        assertThat(state.resolve("oci").resolve(uuid)).as("jrun-oci's container after stop").doesNotExist();
        assertThat(state.resolve("pods/exits").resolve(uuid)).as("conmon's exit file, once recorded").doesNotExist();
        assertThat(running(conmon)).as("conmon after stop (a zombie until init reaps it is gone)").isFalse();
        ok("rm", uuid);
    }

    @Test
    void theAppsExitCodeAndOutputAreRecordedWhenItExits() throws Exception {
        String uuid = ok("run", "-d", "--name", "seven", busybox, "sh", "-c",
                "echo out; echo err >&2; printf 'no newline'; exit 7").stdout().strip();
        assertThat(ok("status", "--wait", "seven").stdout()).contains("state=exited\n", "exit-code=7\n", "reason=exited\n");
        Path pod = state.resolve("pods/run").resolve(uuid);
        JsonNode exit = JSON.readTree(pod.resolve("exit.json").toFile());
        assertThat(exit.get("exitCode").asInt()).isEqualTo(7);
        assertThat(exit.get("reason").asText()).isEqualTo("exited");

        JrunCli.Result logs = ok("logs", "seven");
        assertThat(logs.stdout()).isEqualTo("out\nno newline");
        assertThat(logs.stderr()).isEqualTo("err\n");
        assertThat(ok("logs", "--tail", "1", "seven").stdout()).isEqualTo("no newline");
        assertThat(ok("logs", "--tail", "0", "seven").stdout()).isEmpty();
        assertThat(ok("logs", "--since", "1h", "seven").stdout()).isEqualTo("out\nno newline");
        assertThat(ok("logs", "--since", "2999-01-01T00:00:00Z", "seven").stdout()).isEmpty();
        JrunCli.Result badSince = jrun.run("logs", "--since", "yesterday", "seven");
        assertThat(badSince.exitCode()).isEqualTo(125);
        assertThat(badSince.stderr()).isEqualTo("jrun: invalid --since 'yesterday': give a duration (10s, 5m, 2h) "
                + "or a time (2026-01-02T15:04:05Z)\n");
        ok("rm", "seven");
    }

    @Test
    void logsFollowsTheAppUntilItExits() throws Exception {
        String uuid = ok("run", "-d", busybox, "sh", "-c", "echo first; sleep 2; echo second").stdout().strip();
        assertThat(ok("logs", "-f", uuid).stdout()).isEqualTo("first\nsecond\n");
        ok("rm", uuid);
    }

    @Test
    void aStopSignalHandlerRunsAndItsExitIsRecorded() throws Exception {
        String uuid = ok("run", "-d", busybox, "sh", "-c",
                "trap 'echo stopping; exit 9' TERM; echo up; while :; do sleep 0.1; done").stdout().strip();
        waitForLog(uuid, "up\n");
        ok("stop", uuid);
        JsonNode exit = JSON.readTree(state.resolve("pods/run").resolve(uuid).resolve("exit.json").toFile());
        assertThat(exit.get("exitCode").asInt()).isEqualTo(9);
        assertThat(ok("logs", uuid).stdout()).isEqualTo("up\nstopping\n");
        ok("rm", uuid);
    }

    @Test
    void aFailedLaunchKeepsDockersCodeAndOneLine() throws Exception {
        JrunCli.Result r = jrun.run("run", "-d", "--name", "missing", busybox, "/no/such/command");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(127);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("jrun: the command \"/no/such/command\" was not found in the image: check the"
                + " image's Entrypoint and Cmd, or the command given\n");
        assertThat(status("missing", "exit-code")).isEqualTo("127");
        assertThat(status("missing", "reason")).startsWith("launch-failed");
        ok("rm", "missing");
    }

    @Test
    void removeOnExitRemovesThePodOnceTheAppHasExited() throws Exception {
        String uuid = ok("run", "-d", "--rm", busybox, "sh", "-c", "sleep 1").stdout().strip();
        for (int i = 0; i < 6000 && Stream.of("prepare", "run", "garbage").anyMatch(
                phase -> Files.exists(state.resolve("pods").resolve(phase).resolve(uuid))); i++) {
            Thread.sleep(10); // conmon's exit command removes it
        }
        JrunCli.Result gone = jrun.run("status", uuid);
        assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(125);
    }

    // ---------------------------------------------------------------- a foreground run under conmon

    @Test
    void aForegroundRunUnderConmonPrintsTheAppsOutputAndExitsWithItsCode() throws Exception {
        JrunCli.Result run = jrun.run("run", "--supervisor=conmon", "--name", "fg-seven", busybox, "sh", "-c",
                "echo out; echo err >&2; exit 7");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(7);
        assertThat(run.stdout()).isEqualTo("out\n");
        assertThat(run.stderr()).isEqualTo("err\n");
        // conmon's exit command has recorded the exit before conmon, that is jrun run, ended
        assertThat(ok("status", "fg-seven").stdout()).contains("state=exited\n", "exit-code=7\n", "reason=exited\n");
        ok("rm", "fg-seven");

        JrunCli.Result removed = jrun.run("run", "--supervisor=conmon", "--rm", busybox, "sh", "-c", "exit 3");
        assertThat(removed.exitCode()).as(removed.toString()).isEqualTo(3);
        assertThat(entries(state.resolve("pods/run"))).as("pods after --rm").isEmpty();
    }

    @Test
    void aForegroundRunUnderConmonKeepsNoJvmAndSigtermReachesTheApp() throws Exception {
        Path out = state.resolve("fg-out.txt");
        Process run = jrun.command("run", "--supervisor=conmon", "--name", "fg-term", busybox, "sh", "-c",
                        "trap 'echo got TERM; exit 42' TERM; echo ready; while true; do sleep 0.1; done")
                .redirectOutput(out.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            awaitLine(out, "ready", run);
            long foreground = run.pid();
            awaitConmon(run); // the app runs (and prints) from before the hand-over
            List<String> tree = processTree(foreground);
            assertThat(tree).as("the foreground command's process tree: conmon, the app and the app's children")
                    .noneMatch(p -> p.contains(" java ") || p.endsWith("/java"));
            assertThat(tree.getFirst()).endsWith(" conmon /usr/bin/conmon");
            List<String> open = new java.util.ArrayList<>();
            try (var fds = Files.list(Path.of("/proc/" + foreground + "/fd"))) {
                for (Path fd : fds.toList()) {
                    open.add(Files.readSymbolicLink(fd).toString());
                }
            }
            assertThat(open).as("what conmon has open: nothing the JVM had but the pod's lock (its directory)")
                    .noneMatch(f -> f.endsWith(".jar") || f.contains("/lib/modules") || f.contains("/jvm/"));
            String uuid = ok("status", "fg-term").stdout().lines().filter(l -> l.startsWith("uuid="))
                    .findFirst().orElseThrow().substring("uuid=".length());
            long app = JSON.readTree(state.resolve("pods/run").resolve(uuid).resolve("pid.json").toFile()).get("pid").asLong();
            assertThat(ProcessHandle.of(app).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                    .as("the app's parent").contains(foreground);
            assertThat(status("fg-term", "state")).isEqualTo("running");

            run.destroy(); // SIGTERM to the foreground process, as systemctl stop or kill sends it
            assertThat(run.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).as("jrun run ends after SIGTERM").isTrue();
            assertThat(run.exitValue()).as(Files.readString(out)).isEqualTo(42);
            assertThat(Files.readString(out)).isEqualTo("ready\ngot TERM\n");
            assertThat(ok("status", "fg-term").stdout()).contains("state=exited\n", "exit-code=42\n");
            ok("rm", "fg-term");
        } finally {
            run.destroyForcibly().waitFor();
        }
    }

    @Test
    void theConfiguredDefaultSupervisorIsHonouredAndTheFlagOverridesIt() throws Exception {
        Path config = state.resolve("jrun.conf");
        Files.writeString(config, "# the system's choice\n\nsupervisor = conmon\n");
        JrunCli configured = jrun.withEnv(java.util.Map.of("JRUN_CONFIG", config.toString()));
        Path out = state.resolve("fg-default.txt");
        for (String flag : new String[] {null, "--supervisor=jrun"}) {
            List<String> args = new java.util.ArrayList<>(List.of("run", "--name", "fg-default"));
            if (flag != null) {
                args.add(flag);
            }
            args.addAll(List.of(busybox, "sh", "-c", "echo ready; exec sleep 600"));
            Process run = configured.command(args.toArray(String[]::new)).redirectOutput(out.toFile())
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            try {
                awaitLine(out, "ready", run);
                if (flag == null) {
                    awaitConmon(run);
                } else {
                    assertThat(comm(run.pid())).as("the foreground process with " + flag).isEqualTo("java");
                }
                ok("stop", "-t", "0", "fg-default");
                assertThat(run.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
                assertThat(run.exitValue()).isEqualTo(137);
                ok("rm", "fg-default");
            } finally {
                run.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void aBadConfigFileIsOneLineAndExit125WithNothingMade() throws Exception {
        Path config = state.resolve("bad.conf");
        for (String[] bad : new String[][] {
                {"supervisor = conmon\nsupervise = jrun\n", ":2: unknown key 'supervise': remove it"},
                {"supervisor = podman\n", ":1: supervisor 'podman' is not jrun or conmon"},
                {"supervisor conmon\n", ":1: 'supervisor conmon' is not key = value"},
                {"supervisor = jrun\nsupervisor = conmon\n", ":2: key 'supervisor' is given twice"}}) {
            Files.writeString(config, bad[0]);
            JrunCli.Result run = jrun.withEnv(java.util.Map.of("JRUN_CONFIG", config.toString()))
                    .run("run", "--rm", busybox, "true");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(125);
            assertThat(run.stderr()).as(bad[0]).startsWith("jrun: " + config + bad[1]).hasLineCount(1);
        }
        JrunCli.Result missing = jrun.withEnv(java.util.Map.of("JRUN_CONFIG", state.resolve("none.conf").toString()))
                .run("run", "--rm", busybox, "true");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(125);
        assertThat(missing.stderr()).startsWith("jrun: JRUN_CONFIG names " + state.resolve("none.conf")).hasLineCount(1);
        assertThat(entries(state.resolve("pods/run"))).as("pods made").isEmpty();
        assertThat(entries(state.resolve("pods/prepare"))).as("pods made").isEmpty();
    }

    @Test
    void combinationsConmonCannotSuperviseAreRefusedInOneLine() throws Exception {
        for (String[] refused : new String[][] {
                {"--supervisor=podman", "jrun: invalid --supervisor 'podman': use jrun or conmon"},
                {"--supervisor=conmon -t", "jrun: --supervisor=conmon with -t: conmon cannot relay"},
                {"--supervisor=jrun -d", "jrun: --supervisor=jrun with -d: conmon supervises every detached pod"}}) {
            List<String> args = new java.util.ArrayList<>(List.of("run", "--rm"));
            args.addAll(List.of(refused[0].split(" ")));
            args.addAll(List.of(busybox, "true"));
            JrunCli.Result run = jrun.run(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(125);
            assertThat(run.stderr()).as(refused[0]).startsWith(refused[1]).hasLineCount(1);
        }
        // an image whose StopSignal is not SIGTERM: conmon would pass SIGTERM on as it is
        Path layout = state.resolve("quit-layout");
        Tools.check(List.of("cp", "-a", io.jrun.nativetests.harness.TestImages.layout("busybox").toString(), layout.toString()), 60);
        Tools.check(List.of("umoci", "config", "--image", layout + ":latest", "--tag", "quit", "--config.stopsignal", "SIGQUIT"), 60);
        String quit = "oci:" + layout + ":quit";
        JrunCli.Result run = jrun.run("run", "--rm", "--supervisor=conmon", quit, "true");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(125);
        assertThat(run.stderr()).startsWith("jrun: image " + quit + " stops with SIGQUIT, and conmon passes the SIGTERM")
                .hasLineCount(1);
        assertThat(entries(state.resolve("pods/run"))).as("pods made").isEmpty();
        // the configured default leaves such an image to jrun, which sends SIGQUIT for SIGTERM
        Path config = state.resolve("conmon.conf");
        Files.writeString(config, "supervisor = conmon\n");
        JrunCli.Result byDefault = jrun.withEnv(java.util.Map.of("JRUN_CONFIG", config.toString()))
                .run("run", "--rm", quit, "sh", "-c", "echo under jrun");
        assertThat(byDefault.exitCode()).as(byDefault.toString()).isZero();
        assertThat(byDefault.stdout()).isEqualTo("under jrun\n");
        ok("image", "rm", quit);
    }

    private interface Check {
        boolean met() throws IOException;
    }

    /** Waits until {@code check} is met, or fails when {@code process} (jrun run) ended first or never met it. */
    private static void await(Process process, String what, Check check) throws Exception {
        for (int i = 0; i < 1200 && process.isAlive(); i++) {
            if (check.met()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("jrun run never " + what + " (alive: " + process.isAlive() + ")");
    }

    /** Waits until {@code file} has the line {@code line}. */
    private static void awaitLine(Path file, String line, Process process) throws Exception {
        try {
            await(process, "printed " + line, () -> Files.readAllLines(file).contains(line));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ":\n" + Files.readString(file), e);
        }
    }

    /** Waits until the foreground jrun process has become conmon. */
    private static void awaitConmon(Process process) throws Exception {
        await(process, "became conmon", () -> comm(process.pid()).equals("conmon"));
    }

    /** {@code root} and its descendants, from /proc: "PID COMM EXE" each. */
    private static List<String> processTree(long root) throws IOException {
        java.util.Map<Long, List<Long>> children = new java.util.HashMap<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    long ppid = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
                    children.computeIfAbsent(ppid, k -> new java.util.ArrayList<>()).add(Long.parseLong(p.getFileName().toString()));
                } catch (IOException | RuntimeException gone) {
                    // ended meanwhile
                }
            }
        }
        List<String> tree = new java.util.ArrayList<>();
        java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            long pid = todo.pop();
            String exe;
            try {
                exe = Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString();
            } catch (IOException e) {
                exe = "?";
            }
            tree.add(pid + " " + comm(pid) + " " + exe);
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return tree;
    }

    private static void waitForLog(String uuid, String text) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (ok("logs", uuid).stdout().equals(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("pod " + uuid + " never logged " + text);
    }

    /** Alive and not a zombie. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Long> conmonsOfThisState() {
        return ProcessHandle.allProcesses().filter(p -> running(p.pid()) && comm(p.pid()).equals("conmon")
                        && cmdline(p.pid()).contains(state.toString()))
                .map(ProcessHandle::pid).toList();
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static JrunCli.Result ok(String... args) throws Exception {
        return PodCli.ok(jrun, args);
    }

    private static String status(String pod, String key) throws Exception {
        return PodCli.status(jrun, pod, key);
    }

    private static List<Path> entries(Path dir) throws IOException {
        return PodCli.entries(dir);
    }
}
