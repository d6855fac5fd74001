package io.jrun.nativetests.pods;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.nativetests.fetch.JrunCli;
import static io.jrun.nativetests.harness.ContainerFiles.awaitFile;
import io.jrun.nativetests.harness.TmuxTerminal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jrun enter} as users run it: the real CLI in its own JVM, as root, against the real
 * kernel and the busybox test image. Each test starts pods with {@code jrun run} in the
 * background (a shell that waits for a file in a volume) and enters them. After every test:
 * the host's mount table is unchanged and no process is left.
 */
@ExtendWith(HostLeftAsItWas.class)
class EnterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What jrun run gives a root app: podman's default capabilities. */
    private static final String PODMAN_CAPS = "00000000800405fb";
    /** The app's status lines that enter must reproduce. */
    private static final String IDENTITY = "^(Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs|Seccomp|Seccomp_filters):";

    @TempDir
    static Path state;
    static JrunCli jrun;
    static String busybox;

    @TempDir
    Path dir;

    @BeforeAll
    static void images() throws Exception {
        jrun = new JrunCli(state);
        busybox = jrun.fetchBusybox();
    }

    /**
     * A pod run in the background by {@code jrun run}: its app runs {@code script}, says it is
     * ready and waits until {@link #close()} asks it to end; its /shared is a host directory.
     */
    private final class BackgroundPod implements AutoCloseable {
        final Path shared;
        final Process jrunRun;
        final String uuid;
        final long appPid;

        BackgroundPod(String script, String... runOptions) throws Exception {
            shared = Files.createTempDirectory(dir, "shared");
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx")); // for -u app
            Path uuidFile = shared.resolveSibling(shared.getFileName() + ".uuid");
            List<String> args = new ArrayList<>(List.of("run", "--uuid-file-save", uuidFile.toString(),
                    "-v", shared + ":/shared"));
            args.addAll(List.of(runOptions));
            args.addAll(List.of(busybox, "sh", "-c", script + "; touch /shared/ready; while [ ! -e /shared/stop ]; do sleep 0.1; done"));
            jrunRun = jrun.command(args.toArray(String[]::new)).redirectErrorStream(true)
                    .redirectOutput(shared.resolveSibling(shared.getFileName() + ".log").toFile()).start();
            try {
                awaitFile(shared.resolve("ready"), jrunRun);
                uuid = Files.readString(uuidFile);
                appPid = JSON.readTree(state.resolve("pods/run").resolve(uuid).resolve("pid.json").toFile()).get("pid").asLong();
            } catch (Throwable t) {
                jrunRun.destroyForcibly().waitFor();
                throw t;
            }
        }

        /** The app's status lines of {@link #IDENTITY}, as the host reads them. */
        List<String> appIdentity() throws IOException {
            return Files.readAllLines(Path.of("/proc/" + appPid + "/status")).stream()
                    .filter(l -> l.matches(IDENTITY + ".*")).toList();
        }

        /** Ends the app and checks its jrun run exits 0: the pod was not disturbed. */
        @Override
        public void close() throws Exception {
            try {
                Files.writeString(shared.resolve("stop"), "");
                assertThat(jrunRun.waitFor(60, TimeUnit.SECONDS)).as("jrun run ends once its app does").isTrue();
                assertThat(jrunRun.exitValue()).as(Files.readString(shared.resolveSibling(shared.getFileName() + ".log")))
                        .isZero();
            } finally {
                jrunRun.destroyForcibly().waitFor();
            }
        }
    }

    private static JrunCli.Result enter(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("enter"));
        all.addAll(List.of(args));
        return jrun.run(all.toArray(String[]::new));
    }

    private static List<String> identityLines(String stdout) {
        return stdout.lines().filter(l -> l.matches(IDENTITY + ".*")).toList();
    }

    @Test
    void theProcessSharesTheAppsNamespacesRootHostnameAndFiles() throws Exception {
        String script = "echo written-by-the-app > /srv/app.txt";
        try (BackgroundPod pod = new BackgroundPod(script, "--hostname", "entered-pod", "--name", "ns-pod")) {
            Map<String, String> appNamespaces = new HashMap<>();
            for (String ns : List.of("mnt", "uts", "ipc", "net", "pid", "cgroup")) {
                appNamespaces.put(ns, Files.readSymbolicLink(Path.of("/proc/" + pod.appPid + "/ns/" + ns)).toString());
            }
            JrunCli.Result r = enter("ns-pod", "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline; echo; echo $$; hostname; "
                    + "cat /srv/app.txt; [ / -ef /proc/1/root/ ] && echo same-root; "
                    + "for n in mnt uts ipc net pid cgroup; do echo $n $(readlink /proc/self/ns/$n); done");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            List<String> lines = r.stdout().lines().toList();
            assertThat(lines.get(0)).as("pid 1 is the app").isEqualTo("sh -c " + script
                    + "; touch /shared/ready; while [ ! -e /shared/stop ]; do sleep 0.1; done ");
            assertThat(Integer.parseInt(lines.get(1))).as("the process's pid in the container").isGreaterThan(1).isLessThan(1000);
            assertThat(lines.subList(2, 5)).containsExactly("entered-pod", "written-by-the-app", "same-root");
            for (String line : lines.subList(5, 11)) {
                String[] f = line.split(" ");
                assertThat(f[1]).as("the %s namespace", f[0]).isEqualTo(appNamespaces.get(f[0]));
            }
            // the host's own namespaces are not the container's (the comparison above means something)
            assertThat(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString()).isNotEqualTo(appNamespaces.get("pid"));
            assertThat(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString()).isNotEqualTo(appNamespaces.get("mnt"));

            // a file the process writes lands in the pod's own writable layer, as the app's do
            assertThat(enter("ns-pod", "sh", "-c", "echo from-enter > /srv/entered.txt").exitCode()).isZero();
            Path upper = state.resolve("pods/run").resolve(pod.uuid).resolve("upper/srv");
            assertThat(Files.readString(upper.resolve("entered.txt"))).isEqualTo("from-enter\n");
            assertThat(Files.readString(upper.resolve("app.txt"))).isEqualTo("written-by-the-app\n");

            // the pod runs on, and nothing entered is left in it
            assertThat(jrun.run("status", pod.uuid).stdout()).contains("state=running\n");
            for (long pid : processesInPidNamespaceOf(pod.appPid)) {
                String cmdline = cmdline(pid);
                assertThat(cmdline).as("process %d in the container", pid).satisfiesAnyOf(
                        c -> assertThat(c).startsWith("sh -c " + script),
                        c -> assertThat(c).isIn("sleep 0.1 ", ""));
            }
        }
    }

    @Test
    void theProcessHasTheAppsUserGroupsCapabilitiesNoNewPrivsAndSeccompMode() throws Exception {
        try (BackgroundPod root = new BackgroundPod("true");
             BackgroundPod app = new BackgroundPod("true", "-u", "app")) {
            String show = "id; grep -E '" + IDENTITY + "' /proc/self/status";
            JrunCli.Result r = enter(root.uuid, "sh", "-c", show);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).startsWith("uid=0(root) gid=0(root) groups=0(root)\n");
            assertThat(identityLines(r.stdout())).isEqualTo(root.appIdentity())
                    .contains("CapEff:\t" + PODMAN_CAPS, "CapBnd:\t" + PODMAN_CAPS, "NoNewPrivs:\t1", "Seccomp:\t2");

            r = enter(app.uuid, "sh", "-c", show + "; echo $HOME");
            assertThat(r.stdout()).startsWith("uid=1000(app) gid=1000(app) groups=50(staff),1000(app)\n").endsWith("/home/app\n");
            assertThat(identityLines(r.stdout())).isEqualTo(app.appIdentity())
                    .contains("CapEff:\t0000000000000000", "CapBnd:\t" + PODMAN_CAPS, "Seccomp:\t2");

            // -u names a user of the container's own /etc/passwd; root gets the container's capabilities
            r = enter("-u", "root", app.uuid, "sh", "-c", show);
            assertThat(r.stdout()).startsWith("uid=0(root) gid=0(root) groups=0(root)\n");
            assertThat(identityLines(r.stdout())).contains("CapPrm:\t" + PODMAN_CAPS, "CapEff:\t" + PODMAN_CAPS,
                    "CapBnd:\t" + PODMAN_CAPS, "CapAmb:\t0000000000000000", "NoNewPrivs:\t1", "Seccomp:\t2");
            r = enter("-u", "nobody:staff", root.uuid, "id");
            assertThat(r.stdout()).isEqualTo("uid=65534(nobody) gid=50(staff) groups=50(staff)\n");
        }
    }

    @Test
    void theProcessIsInThePodsCgroupBeforeItRuns() throws Exception {
        try (BackgroundPod pod = new BackgroundPod("true")) {
            Path podDir = state.resolve("pods/run").resolve(pod.uuid);
            assertThat(podDir.resolve("cgroup")).as("the pod has a cgroup").isRegularFile();
            for (String user : List.of("0", "app")) {
                // The command is cat itself: reading its cgroup is the first thing the process does, no
                // shell runs before. In the pod's cgroup it reads the root of its cgroup namespace, "/";
                // from anywhere else (jrun's own cgroup) a path that climbs out of it ("/../..").
                JrunCli.Result r = enter("-u", user, pod.uuid, "cat", "/proc/self/cgroup");
                assertThat(r.exitCode()).as(r.toString()).isZero();
                assertThat(r.stdout().lines().filter(l -> l.startsWith("0::"))).as("as user " + user).containsExactly("0::/");
            }
            // the same view, and the process listed in the pod's cgroup, from a shell that stays a moment
            JrunCli.Result r = enter(pod.uuid, "sh", "-c", "grep ^0:: /proc/self/cgroup; grep -qx $$ /sys/fs/cgroup/cgroup.procs && echo listed");
            assertThat(r.stdout()).as(r.toString()).isEqualTo("0::/\nlisted\n");
            try (Stream<Path> entries = Files.list(podDir)) {
                assertThat(entries.map(p -> p.getFileName().toString())).as("the gates are gone")
                        .noneMatch(n -> n.startsWith(".enter-"));
            }
        }
    }

    @Test
    void theSeccompProfileIsThePodsEvenWhenItsFileChangedSince() throws Exception {
        Path profile = Files.writeString(dir.resolve("no-mkdir.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
                """);
        try (BackgroundPod custom = new BackgroundPod("mkdir /tmp/by-app 2> /shared/app-mkdir",
                "--security-opt", "seccomp=" + profile);
             BackgroundPod unconfined = new BackgroundPod("true", "--security-opt", "seccomp=unconfined")) {
            assertThat(custom.shared.resolve("app-mkdir")).content().contains("Operation not permitted");
            Files.delete(profile); // the pod keeps its own copy
            String show = "mkdir /tmp/by-enter; echo mkdir=$?; grep -E '" + IDENTITY + "' /proc/self/status";
            JrunCli.Result r = enter(custom.uuid, "sh", "-c", show);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).contains("mkdir=1\n");
            assertThat(r.stderr()).contains("Operation not permitted");
            assertThat(identityLines(r.stdout())).isEqualTo(custom.appIdentity()).contains("Seccomp:\t2", "Seccomp_filters:\t1");

            r = enter(unconfined.uuid, "sh", "-c", show);
            assertThat(r.stdout()).contains("mkdir=0\n");
            assertThat(identityLines(r.stdout())).isEqualTo(unconfined.appIdentity()).contains("Seccomp:\t0");
        }
    }

    @Test
    void theExitCodeIsTheProcesssOrDockers() throws Exception {
        try (BackgroundPod pod = new BackgroundPod("true")) {
            assertThat(enter(pod.uuid, "true").exitCode()).isZero();
            assertThat(enter(pod.uuid, "sh", "-c", "exit 42").exitCode()).isEqualTo(42);
            assertThat(enter(pod.uuid, "--", "sh", "-c", "kill -KILL $$").exitCode()).as("killed by SIGKILL").isEqualTo(137);

            JrunCli.Result notFound = enter(pod.uuid, "no-such-command");
            assertThat(notFound.exitCode()).isEqualTo(127);
            assertThat(notFound.stderr()).startsWith("jrun: the command \"no-such-command\" was not found in pod " + pod.uuid)
                    .hasLineCount(1);
            JrunCli.Result noFile = enter(pod.uuid, "/no/such/program");
            assertThat(noFile.exitCode()).isEqualTo(127);
            assertThat(noFile.stderr()).as("a path is not looked up in PATH").isEqualTo("jrun: the command \"/no/such/program\""
                    + " was not found in pod " + pod.uuid + ": give a program the container has\n");
            JrunCli.Result notExecutable = enter(pod.uuid, "/etc/passwd");
            assertThat(notExecutable.exitCode()).isEqualTo(126);
            assertThat(notExecutable.stderr()).startsWith("jrun: cannot execute \"/etc/passwd\" in pod").hasLineCount(1);

            // without a command: the container's /bin/sh, here reading its script from jrun's stdin (-i)
            Path script = Files.writeString(dir.resolve("script"), "echo shell $0; hostname; exit 5\n");
            Process p = jrun.command("enter", "-i", pod.uuid).redirectInput(script.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(5);
            assertThat(Files.readString(dir.resolve("out"))).isEqualTo("shell /bin/sh\n" + pod.uuid.replace("-", "").substring(0, 12) + "\n");

            // a container without /bin/sh: the default fails in one line
            assertThat(enter(pod.uuid, "rm", "/bin/sh").exitCode()).isZero();
            JrunCli.Result noShell = enter(pod.uuid);
            assertThat(noShell.exitCode()).isEqualTo(127);
            assertThat(noShell.stderr()).isEqualTo("jrun: pod " + pod.uuid + " has no /bin/sh: name the command to run, as in "
                    + "jrun enter " + pod.uuid + " -- /path/to/program\n");
        }
    }

    @Test
    void sigtermToJrunEnterReachesTheProcess() throws Exception {
        try (BackgroundPod pod = new BackgroundPod("true")) {
            Process p = jrun.command("enter", pod.uuid, "sh", "-c",
                            "trap 'echo got TERM; exit 7' TERM; touch /shared/entered; while :; do sleep 0.1; done")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
            try {
                awaitFile(pod.shared.resolve("entered"), p);
                p.destroy(); // SIGTERM to jrun
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).isEqualTo(7);
                assertThat(Files.readString(dir.resolve("log"))).isEqualTo("got TERM\n");
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void errorsAreOneLineWithExitCode125AndChangeNothing() throws Exception {
        // exited pods, until two UUIDs share their first digit (at most 17 by pigeonhole)
        List<String> uuids = new ArrayList<>(podsIn("run"));
        String ambiguous;
        while ((ambiguous = sharedFirstDigit(uuids)) == null) {
            Path uuidFile = dir.resolve("uuid");
            assertThat(jrun.run("run", "--uuid-file-save", uuidFile.toString(), busybox, "true").exitCode()).isZero();
            uuids.add(Files.readString(uuidFile));
        }
        String exited = uuids.getFirst();
        try (BackgroundPod pod = new BackgroundPod("true", "--name", "error-pod")) {
            List<Path> before = podFiles();
            String[][] bad = {
                    {"no-such-pod", "true"},
                    {ambiguous, "true"},
                    {exited, "true"},
                    {"-u", "nosuchuser", "error-pod", "true"},
                    {"-w", "/no/such/dir", "error-pod", "true"},
                    {"-w", "relative", "error-pod", "true"},
                    {"-e", "=x", "error-pod", "true"},
            };
            Map<String, String> expected = Map.of(
                    "no-such-pod", "jrun: no pod 'no-such-pod': see jrun list\n",
                    ambiguous, "jrun: '" + ambiguous + "' matches ",
                    exited, "jrun: pod " + exited + " is exited: only a running pod can be entered (jrun list shows which run)\n",
                    "nosuchuser", "jrun: unable to find user nosuchuser",
                    "/no/such/dir", "jrun: no directory /no/such/dir in pod error-pod (ENOENT): give -w a directory the container has\n",
                    "relative", "jrun: the working directory must be an absolute path, not 'relative'\n",
                    "=x", "jrun: ");
            for (String[] args : bad) {
                JrunCli.Result r = enter(args);
                String key = args[0].startsWith("-") ? args[1] : args[0];
                assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(125);
                assertThat(r.stderr()).as(String.join(" ", args)).startsWith(expected.get(key)).hasLineCount(1);
                assertThat(r.stdout()).isEmpty();
            }
            assertThat(podFiles()).as("the pods' files").isEqualTo(before);
            assertThat(jrun.run("status", "error-pod").stdout()).contains("state=running\n");
        }
    }

    @Test
    void ttyGivesTheProcessATerminalOfTheContainersDevptsDrivenThroughTmux() throws Exception {
        try (BackgroundPod pod = new BackgroundPod("true", "--name", "tty-pod")) {
            try (TmuxTerminal terminal = TmuxTerminal.start(dir, jrun.command("enter", "-it", "tty-pod", "sh", "-c",
                    "tty; stty size; echo $TERM; ls -1 /dev/pts; echo ready; read line; echo got $line; exit 3").command())) {
                terminal.await("ready");
                terminal.type("hello", "Enter");
                String text = terminal.awaitEnd();
                // the app has no terminal: the process's is the first of the container's own devpts
                assertThat(text).startsWith("/dev/pts/0\r\n30 100\r\nxterm\r\n0\r\nptmx\r\nready\r\n")
                        .contains("got hello\r\nexit=3\n");
                assertThat(text.substring(text.indexOf("exit=3"))).as("the user's terminal is cooked again")
                        .contains(" icanon ").contains(" echo ");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> podsIn(String phase) throws IOException {
        try (Stream<Path> s = Files.list(state.resolve("pods").resolve(phase))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static List<Path> podFiles() throws IOException {
        try (Stream<Path> s = Files.walk(state.resolve("pods"), 3)) {
            // a pod's gate/ goes once its start has opened the gate: the running app (which the test
            // waits for) can be seen a moment before that, so it is not a file the errors could change
            return s.filter(p -> !p.toString().contains("/upper") && !p.toString().contains("/work")
                    && !p.getFileName().toString().equals("gate")).sorted().toList();
        }
    }

    /** A first hex digit two of the UUIDs share, or null. */
    private static String sharedFirstDigit(List<String> uuids) {
        for (int i = 0; i < uuids.size(); i++) {
            for (int j = i + 1; j < uuids.size(); j++) {
                if (uuids.get(i).charAt(0) == uuids.get(j).charAt(0)) {
                    return uuids.get(i).substring(0, 1);
                }
            }
        }
        return null;
    }

    /** The host pids of the processes in the pid namespace of {@code pid}. */
    private static List<Long> processesInPidNamespaceOf(long pid) throws IOException {
        Path ns = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/pid"));
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    if (Files.readSymbolicLink(p.resolve("ns/pid")).equals(ns)) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone meanwhile, or a kernel thread
                }
            }
        }
        return pids;
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return ""; // gone meanwhile
        }
    }
}
