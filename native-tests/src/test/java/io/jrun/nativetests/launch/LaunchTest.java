package io.jrun.nativetests.launch;

import io.jrun.images.FetchOptions;
import io.jrun.images.Images;
import io.jrun.images.fetch.FetchListener;
import io.jrun.images.store.ImageRecord;
import io.jrun.images.store.ImageUsage;
import io.jrun.linux.Capabilities;
import io.jrun.linux.Namespaces;
import io.jrun.linux.Processes;
import io.jrun.nativetests.harness.LaunchCgroups;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.runtime.launch.KernelCompat;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.launch.Launcher;
import io.jrun.runtime.launch.RunningContainer;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.launch.LaunchContext;
import io.jrun.runtime.prepare.SpecPreparer;
import io.jrun.runtime.seccomp.SeccompCache;
import io.jrun.runtime.spec.Annotations;
import io.jrun.runtime.spec.CapabilityNames;
import io.jrun.runtime.spec.CapabilitySets;
import io.jrun.runtime.spec.Process;
import io.jrun.runtime.spec.Root;
import io.jrun.runtime.spec.Spec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The launch engine against the real kernel, as root, with the busybox test image (see
 * native-tests/images/build-test-images.sh): namespaces, overlay, /dev, /sys, /proc, pivot,
 * capabilities, exit codes; and after every launch, successful or not, no mount and no process.
 */
class LaunchTest {
    private static final String HOSTNAME = "jrun-launch-test";
    private static final List<String> ENV = List.of(
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "JRUN_TEST=1");

    @TempDir
    static Path state;
    static List<Path> layers;
    /** Each launch's cgroup: its device policy is a program there. */
    static LaunchCgroups cgroups;

    @TempDir
    Path dir;
    Path upper;
    Path rootfs;
    Path output;
    private String mountsBefore;

    @BeforeAll
    static void fetchBusybox() throws IOException {
        Images images = Images.open(state, ImageUsage.NONE);
        ImageRecord record = images.fetch("oci:" + TestImages.layout("busybox") + ":latest",
                FetchOptions.defaults(), FetchListener.SILENT);
        layers = images.inspect(record.name()).layerRoots();
        assertThat(layers).hasSize(4);
        cgroups = LaunchCgroups.create();
    }

    @AfterAll
    static void removeCgroups() throws IOException {
        cgroups.close();
    }

    @BeforeEach
    void containerDirs() throws IOException {
        upper = Files.createDirectory(dir.resolve("upper"));
        Files.createDirectory(dir.resolve("work"));
        rootfs = Files.createDirectory(dir.resolve("rootfs"));
        output = dir.resolve("output");
        mountsBefore = mountinfo();
    }

    @AfterEach
    void nothingLeft() throws Exception {
        assertThat(ProcessHandle.current().children().toList()).as("processes left behind").isEmpty();
        assertThat(mountinfo()).as("the host's mount table").isEqualTo(mountsBefore);
        // The container's mount namespace must be gone: no task of this JVM (the setup and
        // gate keeper threads were in it) still sees the overlay. Thread.join returns before the
        // kernel task is gone, so give the tasks a moment to disappear.
        List<String> holders = tasksSeeing(rootfs);
        for (int i = 0; i < 500 && !holders.isEmpty(); i++) {
            Thread.sleep(10);
            holders = tasksSeeing(rootfs);
        }
        assertThat(holders).as("tasks whose mount namespace still has the container's root").isEmpty();
        assertThat(rootfs).isEmptyDirectory();
        cgroups.removeAll();
    }

    private static String mountinfo() throws IOException {
        return Files.readString(Path.of("/proc/self/mountinfo"));
    }

    private static List<String> tasksSeeing(Path rootfs) throws IOException {
        List<String> holders = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("mountinfo")).contains(" " + rootfs + " ")) {
                        holders.add(task.getFileName().toString());
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return holders;
    }

    /** podman's default capabilities, as bits. */
    static final long DEFAULT_CAPABILITIES = CapabilityNames.set(SpecPreparer.DEFAULT_CAPABILITIES);

    /**
     * The configuration jrun run prepares for the busybox image (its default mounts, namespaces,
     * masked paths), with {@code argv} as the process: the launch engine sees nothing else.
     */
    Spec spec(List<Path> stack, Path upperDir, Path workDir, Path root, String cwd, String hostname, String user,
              long capabilities, List<String> argv) {
        Spec.Builder b = Spec.builder()
                .root(new Root(root.toString(), false))
                .hostname(hostname)
                .mounts(SpecPreparer.defaultMounts(stack, upperDir, workDir, false, false))
                .linux(SpecPreparer.defaultLinux(false, false).cgroupsPath(cgroups.nextPath()).build())
                .process(Process.builder().args(argv).env(ENV).cwd(cwd)
                        .capabilities(CapabilitySets.of(CapabilityNames.names(capabilities))).noNewPrivileges(true).build());
        if (!user.isEmpty()) {
            b.annotation(Annotations.USER, user);
        }
        return b.build();
    }

    Spec spec(long capabilities, String... argv) {
        return spec(layers, upper, dir.resolve("work"), rootfs, "/srv", HOSTNAME, "", capabilities, List.of(argv));
    }

    Spec sh(String script) {
        return spec(DEFAULT_CAPABILITIES, "/bin/sh", "-c", script);
    }

    record Result(int exitCode, String output) {
    }

    /** How this class's launches cope with older kernels: what the host's kernel takes. */
    KernelCompat compat() {
        return KernelCompat.AUTO;
    }

    /** Whether /proc comes from the helper in the container's pid namespace, as {@link #compat} and the kernel decide. */
    boolean procFromHelper() {
        return switch (compat().procMount()) {
            case HELPER -> true;
            case FSCONFIG -> false;
            case AUTO -> !kernelAtLeast(6, 15);
        };
    }

    /** Whether the overlay is mounted through mount(2)'s option string, as {@link #compat} and the kernel decide. */
    boolean overlayFromOptionString() {
        return switch (compat().overlayMount()) {
            case LEGACY -> true;
            case LOWERDIR_PLUS -> false;
            case AUTO -> !kernelAtLeast(6, 8);
        };
    }

    static boolean kernelAtLeast(int major, int minor) {
        String[] release = System.getProperty("os.version").split("[.-]");
        int actualMajor = Integer.parseInt(release[0]);
        return actualMajor > major || actualMajor == major && Integer.parseInt(release[1]) >= minor;
    }

    private int launches;

    /** Where the launches of a test keep their gates and seccomp cache, and the output goes. */
    LaunchContext context(Path outputFile, KernelCompat compat) {
        return LaunchContext.builder().id("launch-test-" + (++launches)).bundle(dir).gateDir(dir.resolve("gate" + launches))
                .stdio(Stdio.toFile(outputFile)).compat(compat).seccompCache(new SeccompCache(dir.resolve("seccomp")))
                .build();
    }

    /** A launch with the kernel compatibility choices given. */
    RunningContainer start(Spec spec, KernelCompat compat) throws LaunchException {
        return Launcher.create(spec, context(output, compat)).start().container();
    }

    RunningContainer start(Spec spec) throws LaunchException {
        return start(spec, output);
    }

    RunningContainer start(Spec spec, Path outputFile) throws LaunchException {
        return Launcher.create(spec, context(outputFile, compat())).start().container();
    }

    Result run(Spec spec) throws Exception {
        RunningContainer container = start(spec);
        int code = container.waitForExit();
        return new Result(code, Files.readString(output));
    }

    Result run(String script) throws Exception {
        return run(sh(script));
    }

    @Test
    void theAppIsPid1AndProcShowsOnlyTheContainer() throws Exception {
        Result r = run("echo $$; cat /proc/1/comm; ls /proc; echo end");
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<String> lines = r.output().lines().toList();
        assertThat(lines.get(0)).isEqualTo("1");
        assertThat(lines.get(1)).isEqualTo("sh");
        // sh (1) and the ls it forked: nothing of the host
        List<String> pids = lines.stream().skip(2).filter(l -> l.matches("\\d+")).toList();
        assertThat(pids).hasSize(2).startsWith("1");
        int ls = Integer.parseInt(pids.get(1));
        if (procFromHelper()) {
            // the helper (pid 2) and its JVM's threads took the next numbers, and are gone
            assertThat(ls).as("the ls, after the /proc helper's pids").isGreaterThan(3);
        } else {
            assertThat(ls).as("the ls, forked after the cat").isEqualTo(3);
        }
        assertThat(lines).contains("self", "cpuinfo", "end");
    }

    @Test
    void theRootIsAnOverlayOfTheLayersUppermostFirst() throws Exception {
        // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS - TYPE SOURCE SUPER-OPTIONS
        Result r = run("grep ' / / ' /proc/self/mountinfo | sed 's/.* - //'");
        assertThat(r.exitCode()).as(r.output()).isZero();
        if (overlayFromOptionString()) {
            // each directory named by its descriptor number, relative to /proc/self/fd
            assertThat(r.output()).matches("overlay jrun rw,.*lowerdir=\\d+:\\d+:\\d+:\\d+,upperdir=\\d+,workdir=\\d+.*\n");
        } else {
            assertThat(r.output()).startsWith("overlay jrun rw,")
                    .containsSubsequence(layers.get(3).toString(), layers.get(2).toString(), layers.get(1).toString(),
                            layers.get(0).toString(), "upperdir=" + upper, "workdir=" + dir.resolve("work"));
        }
    }

    @Test
    void manyLayersWithLongPathsStackInOrder() throws Exception {
        // 60 more layers whose paths (about 190 bytes each) add up to far more than a page
        List<Path> stack = new ArrayList<>(layers);
        String name = "layer-with-a-long-name-" + "x".repeat(120) + "-";
        for (int i = 1; i <= 60; i++) {
            Path layer = Files.createDirectories(dir.resolve(name + i));
            Files.createDirectories(layer.resolve("many"));
            Files.writeString(layer.resolve("many/" + i), "");
            Files.createDirectories(layer.resolve("srv"));
            Files.writeString(layer.resolve("srv/top.txt"), i + "\n");
            stack.add(layer);
        }
        assertThat(String.join(":", stack.stream().map(Path::toString).toList())).hasSizeGreaterThan(4096);
        assertThat(stack.getLast().toString()).as("short enough for fsconfig").hasSizeLessThan(256);
        Spec spec = spec(stack, upper, dir.resolve("work"), rootfs, "/", HOSTNAME, "", DEFAULT_CAPABILITIES,
                List.of("/bin/sh", "-c", "ls /many | wc -l; cat /srv/top.txt /srv/layer4.txt /etc/jrun-release"));
        Result r = run(spec);
        assertThat(r).isEqualTo(new Result(0, "60\n60\n4\njrun-test 1\n"));
    }

    @Test
    void kernelInterfacesAreMaskedOrReadOnlyAsInDocker() throws Exception {
        // the host shows /proc/timer_list and /sys/firmware (proc files claim size 0: read them)
        assertThat(Files.readString(Path.of("/proc/timer_list"))).isNotEmpty();
        assertThat(Path.of("/sys/firmware")).isNotEmptyDirectory();
        Result r = run("cat /proc/keys /proc/timer_list | wc -c; ls -A /sys/firmware | wc -l; "
                // harmless even if it went through: the container's own UTS namespace
                + "(echo changed > /proc/sys/kernel/hostname) 2>/dev/null && echo sys-written || echo sys-refused; "
                + "grep -E ' /proc/(sys|bus|fs|irq|sysrq-trigger) ' /proc/self/mountinfo | cut -d' ' -f5,6 | sort");
        List<String> lines = r.output().lines().map(String::strip).toList();
        assertThat(lines.subList(0, 3)).containsExactly("0", "0", "sys-refused");
        assertThat(lines.subList(3, lines.size())).isNotEmpty()
                .allSatisfy(l -> assertThat(l).matches("/proc/(sys|bus|fs|irq|sysrq-trigger) ro,nosuid,nodev,noexec.*"))
                .anySatisfy(l -> assertThat(l).startsWith("/proc/sys "));
    }

    @Test
    void hostnameIsTheUtsNamespacesAndTheHostKeepsItsOwn() throws Exception {
        String host = Namespaces.hostname();
        Result r = run("hostname; cat /proc/sys/kernel/hostname");
        assertThat(r.output()).isEqualTo(HOSTNAME + "\n" + HOSTNAME + "\n");
        assertThat(host).isNotEqualTo(HOSTNAME);
        assertThat(Namespaces.hostname()).isEqualTo(host);
        assertThat(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip()).isEqualTo(host);
    }

    @Test
    void theNetworkNamespaceHasOnlyLoopbackAndSysIsReadOnly() throws Exception {
        Result r = run("ls /sys/class/net; touch /sys/x 2>/dev/null && echo sys-writable || echo sys-read-only");
        assertThat(r.output()).isEqualTo("lo\nsys-read-only\n");
    }

    @Test
    void layersAreMergedWithWhiteoutsAndOpaqueDirectories() throws Exception {
        Result r = run("test -e /etc/motd && echo motd || echo no-motd; ls -A /opt/app; cat /etc/jrun-release /srv/layer4.txt; pwd; "
                + "echo written > /srv/new.txt");
        assertThat(r.output()).isEqualTo("no-motd\nnew.txt\njrun-test 1\n4\n/srv\n");
        assertThat(upper.resolve("srv/new.txt")).hasContent("written");
        for (Path layer : layers) {
            assertThat(layer.resolve("srv/new.txt")).doesNotExist();
        }
    }

    @Test
    void devHasTheUsualDevicesAndAPrivateDevpts() throws Exception {
        Result r = run("ls -A /dev; echo x > /dev/null && head -c 4 /dev/zero | wc -c; readlink /dev/ptmx; "
                + "grep -E ' /dev(/pts|/shm|/mqueue)? ' /proc/self/mountinfo | cut -d' ' -f5,8 | sort");
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<String> lines = r.output().lines().toList();
        assertThat(lines).containsSubsequence("core", "fd", "full", "mqueue", "null", "ptmx", "pts", "random", "shm",
                "stderr", "stdin", "stdout", "tty", "urandom", "zero");
        assertThat(lines).doesNotContain("exec.fifo").contains("4", "pts/ptmx")
                .contains("/dev tmpfs", "/dev/mqueue mqueue", "/dev/pts devpts", "/dev/shm tmpfs");
    }

    @Test
    void theAppHasExactlyTheRequestedCapabilitiesAndNoNewPrivs() throws Exception {
        for (long set : new long[] {DEFAULT_CAPABILITIES, 1L << Capabilities.CAP_NET_BIND_SERVICE}) {
            Result r = run(spec(set, "/bin/grep", "-E", "^(Cap|NoNewPrivs)", "/proc/self/status"));
            assertThat(r.exitCode()).as(r.output()).isZero();
            String hex = String.format("%016x", set);
            assertThat(r.output()).isEqualTo("CapInh:\t0000000000000000\nCapPrm:\t" + hex + "\nCapEff:\t" + hex
                    + "\nCapBnd:\t" + hex + "\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\n");
            Files.delete(output);
        }
    }

    @Test
    void anotherUserRunsWithItsGroupsAndNoCapabilities() throws Exception {
        Spec spec = spec(layers, upper, dir.resolve("work"), rootfs, "/home/app", HOSTNAME, "app", DEFAULT_CAPABILITIES,
                List.of("/bin/sh", "-c", "id -u; id -g; id -G; grep -E '^(CapPrm|CapEff|CapBnd|NoNewPrivs)' /proc/self/status"));
        Result r = run(spec);
        String set = String.format("%016x", DEFAULT_CAPABILITIES);
        assertThat(r).isEqualTo(new Result(0, "1000\n1000\n1000 50\nCapPrm:\t0000000000000000\n"
                + "CapEff:\t0000000000000000\nCapBnd:\t" + set + "\nNoNewPrivs:\t1\n"));
        // the setup thread's setresuid cleared the JVM's dumpable flag: it must be back
        assertThat(Capabilities.prctl(3 /* PR_GET_DUMPABLE */, 0, 0, 0, 0)).isOne();
        assertThat(Files.readString(Path.of("/proc/self/status"))).contains("Uid:\t0\t0\t0\t0");
    }

    @Test
    void exitCodesAreTheAppsOwn() throws Exception {
        assertThat(run("true").exitCode()).isZero();
        assertThat(run("exit 42").exitCode()).isEqualTo(42);
        Result searched = run(spec(DEFAULT_CAPABILITIES, "sh", "-c", "echo $0 $JRUN_TEST; exit 3"));
        assertThat(searched).isEqualTo(new Result(3, "sh 1\n"));
    }

    @Test
    void aMissingCommandIs127() {
        for (String command : new String[] {"/no/such/command", "no-such-command"}) {
            assertThatThrownBy(() -> start(spec(DEFAULT_CAPABILITIES, command)))
                    .isInstanceOfSatisfying(LaunchException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(127);
                        assertThat(e.getMessage()).contains("\"" + command + "\"").contains("not found");
                    });
        }
    }

    @Test
    void aCommandThatCannotBeExecutedIs126() {
        for (String command : new String[] {"/etc/passwd", "/srv"}) {
            assertThatThrownBy(() -> start(spec(DEFAULT_CAPABILITIES, command)))
                    .isInstanceOfSatisfying(LaunchException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(126);
                        assertThat(e.getMessage()).contains("\"" + command + "\"");
                    });
        }
    }

    /** Waits (bounded) for the container to create {@code name} in its root. */
    void awaitFileInUpper(String name) throws InterruptedException {
        Path file = upper.resolve(name);
        for (int i = 0; i < 1000 && !Files.exists(file); i++) {
            Thread.sleep(10);
        }
        assertThat(file).as("the container's readiness marker").exists();
    }

    @Test
    void killedBySigkillIs137AndTheWholePidNamespaceGoes() throws Exception {
        RunningContainer c = start(sh("sleep 1000 & touch /ready; wait"));
        List<Long> inside = new ArrayList<>();
        try {
            awaitFileInUpper("ready");
            // the touch may not be reaped yet: wait until only the background sleep is left
            for (int i = 0; i < 500 && ProcessHandle.of(c.pid()).orElseThrow().children().count() > 1; i++) {
                Thread.sleep(10);
            }
            ProcessHandle.of(c.pid()).orElseThrow().children().forEach(p -> inside.add(p.pid()));
            assertThat(inside).as("the background sleep").hasSize(1);
        } finally {
            c.signal(Processes.SIGKILL);
        }
        assertThat(c.waitForExit()).isEqualTo(137);
        for (long pid : inside) {
            for (int i = 0; i < 500 && Files.exists(Path.of("/proc/" + pid)); i++) {
                Thread.sleep(10);
            }
            assertThat(Path.of("/proc/" + pid)).as("the container's other process").doesNotExist();
        }
    }

    @Test
    void sigtermReachesAnAppThatHandlesIt() throws Exception {
        // pid 1 of a pid namespace only gets the signals it handles (SIGKILL aside): as in docker,
        // an app that wants SIGTERM installs a handler.
        RunningContainer c = start(sh("trap 'echo got TERM; exit 143' TERM; touch /ready; sleep 1000 & wait"));
        awaitFileInUpper("ready");
        c.signal(Processes.SIGTERM);
        assertThat(c.waitForExit()).isEqualTo(143);
        assertThat(Files.readString(output)).isEqualTo("got TERM\n");
        c.signal(Processes.SIGKILL); // reaped: a no-op, never a stray signal
    }

    @Test
    void twoContainersRunSideBySideEachWithItsOwnPid1() throws Exception {
        RunningContainer first = start(sh("trap 'exit 7' TERM; touch /ready; sleep 1000 & wait"));
        try {
            awaitFileInUpper("ready");
            Path upper2 = Files.createDirectory(dir.resolve("upper2"));
            Path rootfs2 = Files.createDirectory(dir.resolve("rootfs2"));
            Path output2 = dir.resolve("output2");
            Spec second = spec(layers, upper2, Files.createDirectory(dir.resolve("work2")), rootfs2, "/", "second", "",
                    DEFAULT_CAPABILITIES,
                    List.of("/bin/sh", "-c", "echo $$; ls /proc > /tmp/ps; grep -c '^[0-9]' /tmp/ps; ls /ready 2>&1"));
            RunningContainer other = start(second, output2);
            assertThat(other.pid()).isNotEqualTo(first.pid());
            assertThat(other.waitForExit()).isOne(); // ls of the first one's /ready fails: separate roots
            assertThat(Files.readString(output2)).startsWith("1\n2\n").contains("No such file");
            assertThat(tasksSeeing(rootfs2)).isEmpty();
        } finally {
            first.signal(Processes.SIGTERM);
            assertThat(first.waitForExit()).isEqualTo(7);
        }
    }

    @Test
    void aSetupFailureLeavesNothingBehind() {
        Spec broken = spec(List.of(dir.resolve("no-such-layer")), upper, dir.resolve("work"), rootfs, "/", HOSTNAME, "",
                DEFAULT_CAPABILITIES, List.of("/bin/true"));
        assertThatThrownBy(() -> start(broken))
                .isInstanceOfSatisfying(LaunchException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(125);
                    assertThat(e.getMessage()).startsWith("cannot set up the container: ").contains("no-such-layer");
                });
    }

    @Test
    void aMissingWorkingDirectoryIsCreated() throws Exception {
        Spec spec = spec(layers, upper, dir.resolve("work"), rootfs, "/data/app", HOSTNAME, "", DEFAULT_CAPABILITIES,
                List.of("/bin/pwd"));
        assertThat(run(spec)).isEqualTo(new Result(0, "/data/app\n"));
        assertThat(upper.resolve("data/app")).isDirectory();
    }
}
