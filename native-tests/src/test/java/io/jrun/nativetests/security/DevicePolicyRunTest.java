package io.jrun.nativetests.security;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Bpf;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.DerivedImage;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.runtime.cgroup.Cgroup2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device policy through {@code jrun run}, on this host: an image's own device nodes cannot be
 * opened (the root is mounted nodev), the pod's cgroup program denies every device but the
 * default list (host nodes bound in, mknod with CAP_MKNOD, the same in {@code jrun enter}),
 * {@code --privileged} allows them all, {@code --device} adds a node and its rule, and a pod
 * whose program cannot be attached does not start. The devices used exist here: /dev/fuse
 * (10:229) and the block device /dev/loop0 (7:0), opened without reading or writing anything.
 * (Not /dev/kmsg: its own open answers EPERM without CAP_SYSLOG when dmesg_restrict is set.)
 */
@ExtendWith(HostLeftAsItWas.class)
class DevicePolicyRunTest {
    /** For each path: "PATH opened", or the shell's error (it names the path and the errno's message). */
    private static final String OPEN = "o() { (: < \"$1\") 2>&1 && echo \"$1 opened\"; }; ";
    private static final String OPEN_FOR_WRITING = "ow() { (: > \"$1\") 2>&1 && echo \"$1 opened for writing\"; }; ";
    private static final Path FUSE = Path.of("/dev/fuse"), LOOP0 = Path.of("/dev/loop0");
    /** "root nodev" or "root dev": whether the container's root (its overlay) is mounted nodev. */
    private static final String ROOT_NODEV = "awk '$5 == \"/\" { print ($6 ~ /(^|,)nodev(,|$)/) ? \"root nodev\" : \"root dev\" }'"
            + " /proc/self/mountinfo";

    @TempDir
    static Path state;
    @TempDir
    static Path images;
    static Containers containers;
    /** busybox with /devs/fuse (c 10:229), /devs/loop0 (b 7:0) and /devs/null (c 1:3), all mode 0666. */
    static String withDevices;

    @BeforeAll
    static void open() throws Exception {
        for (Path device : List.of(FUSE, LOOP0)) {
            assertThat(device).as("this test opens " + device + ", a device this host has; it does not").exists();
        }
        containers = Containers.open(state);
        TarLayer layer = new TarLayer().dir("devs").device("devs/fuse", 'c', 10, 229, 0666)
                .device("devs/loop0", 'b', 7, 0, 0666).device("devs/null", 'c', 1, 3, 0666);
        withDevices = containers.fetch(DerivedImage.withLayer(TestImages.layout("busybox"), images.resolve("devices"),
                layer.bytes(), c -> { }));
    }

    @AfterEach
    void nothingLeft() throws Exception {
        containers.assertNoPodHalfMade();
    }

    private static List<String> lines(JrunCli.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.stdout().lines().toList();
    }

    @Test
    void theImagesDeviceNodesCannotBeOpened() throws Exception {
        JrunCli.Result r = containers.run("--rm", withDevices, "sh", "-c",
                OPEN + "o /devs/fuse; o /devs/loop0; o /devs/null; o /dev/null; " + ROOT_NODEV);
        // the root is nodev: even a node for an allowed device (1:3) is refused there, by the mount
        assertThat(lines(r)).containsExactly("sh: can't open /devs/fuse: Permission denied",
                "sh: can't open /devs/loop0: Permission denied", "sh: can't open /devs/null: Permission denied",
                "/dev/null opened", "root nodev");
    }

    @Test
    void thePodsCgroupProgramDeniesHostDevicesBoundInAndAllowsTheDefaultOnes() throws Exception {
        // bind mounts keep the host's /dev mount (not nodev): only the device program stands in the way
        JrunCli.Result r = containers.run("--rm", "-v", FUSE + ":/fuse", "-v", LOOP0 + ":/loop0", "-v", "/dev/null:/null2",
                "-v", "/dev/zero:/zero2", containers.busybox, "sh", "-c",
                OPEN + OPEN_FOR_WRITING + "o /fuse; o /loop0; o /null2; ow /null2; o /zero2; o /dev/urandom; o /dev/tty;"
                        + " o /dev/ptmx; echo x > /dev/full");
        assertThat(r.exitCode()).as(r.toString()).isOne(); // writing to /dev/full fails: ENOSPC
        assertThat(r.stdout().lines().toList()).containsExactly("sh: can't open /fuse: Operation not permitted",
                "sh: can't open /loop0: Operation not permitted", "/null2 opened", "/null2 opened for writing",
                "/zero2 opened", "/dev/urandom opened",
                "sh: can't open /dev/tty: No such device or address", // allowed, but the app has no terminal
                "/dev/ptmx opened");
        assertThat(r.stderr()).contains("No space left on device").hasLineCount(1);
    }

    @Test
    void mknodIsDeniedForAnyDeviceTheDefaultDoesNotAllowEvenWithCapMknod() throws Exception {
        JrunCli.Result r = containers.run("--rm", "--cap-add", "MKNOD", containers.busybox, "sh", "-c",
                "for n in 'fuse c 10 229' 'loop0 b 7 0' 'mem c 1 1' 'null2 c 1 3' 'pts9 c 136 9'; do set -- $n;"
                        + " mknod /dev/$1 $2 $3 $4 2>&1 && echo \"$1 made\"; done; echo hi > /dev/null2 && echo null2 written");
        assertThat(lines(r)).containsExactly("mknod: /dev/fuse: Operation not permitted",
                "mknod: /dev/loop0: Operation not permitted", "mknod: /dev/mem: Operation not permitted",
                "null2 made", "pts9 made", "null2 written");
    }

    @Test
    void privilegedAllowsEveryDevice() throws Exception {
        JrunCli.Result r = containers.run("--rm", "--privileged", withDevices, "sh", "-c",
                OPEN + "o /devs/fuse; o /devs/loop0; o /dev/fuse; o /dev/loop0; mknod /tmp/mem c 1 1 && echo mem made; "
                        + ROOT_NODEV);
        assertThat(lines(r)).containsExactly("/devs/fuse opened", "/devs/loop0 opened", "/dev/fuse opened",
                "/dev/loop0 opened", "mem made", "root dev");
    }

    @Test
    void aDeviceOptionAddsTheHostsNodeWithItsRule() throws Exception {
        JrunCli.Result r = containers.run("--rm", "--device", FUSE + ":/dev/fs/fuse:r", "--device", LOOP0.toString(),
                containers.busybox, "sh", "-c", OPEN + OPEN_FOR_WRITING
                        + "ls -ln /dev/fs/fuse /dev/loop0 | while read m l u g maj min rest; do echo $m $u $g $maj $min; done;"
                        + " o /dev/fs/fuse; ow /dev/fs/fuse; o /dev/loop0; ow /dev/loop0");
        assertThat(lines(r)).containsExactly("crw------- 0 0 10, 229", "brw------- 0 0 7, 0",
                "/dev/fs/fuse opened", "sh: can't create /dev/fs/fuse: Operation not permitted",
                "/dev/loop0 opened", "/dev/loop0 opened for writing");
    }

    @Test
    void aBadDeviceOptionIsOneLineWithExitCode125AndMakesNoPod() throws Exception {
        Path link = images.resolve("fuse-link");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, FUSE);
        Map<String, String> cases = Map.of(
                "/etc/passwd", "jrun: --device /etc/passwd: not a device node: --device takes a character or block device,"
                        + " such as /dev/fuse",
                "/dev", "jrun: --device /dev: not a device node but a directory: --device takes a character or block"
                        + " device, such as /dev/fuse",
                "/dev/no-such-device", "jrun: --device /dev/no-such-device: no such device on the host: name an existing"
                        + " device node, such as /dev/fuse",
                FUSE + ":/fuse", "jrun: --device /dev/fuse:/fuse: device path '/fuse' must be a normal absolute path below"
                        + " /dev (the container's other files are mounted nodev): for example /dev/fuse",
                link.toString(), "jrun: --device " + link + ": device path '" + link + "' must be a normal absolute path"
                        + " below /dev (the container's other files are mounted nodev): for example /dev/fuse",
                FUSE + ":rx", "jrun: invalid --device '/dev/fuse:rx': 'rx' is neither a container path (absolute) nor"
                        + " permissions (r, w and m, each at most once)",
                FUSE + ":/dev/pts/9", "jrun: --device /dev/fuse:/dev/pts/9: device path '/dev/pts/9' lies in /dev/pts,"
                        + " a file system of its own in the container: choose another path below /dev");
        Set<Path> before = Set.copyOf(containers.pods("run"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            JrunCli.Result r = containers.run("--rm", "--device", c.getKey(), containers.busybox, "echo", "ran");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).isEqualTo(c.getValue() + "\n");
        }
        JrunCli.Result twice = containers.run("--rm", "--device", FUSE.toString(), "--device", link + ":" + FUSE,
                containers.busybox, "echo", "ran");
        assertThat(twice.exitCode()).as(twice.toString()).isEqualTo(125);
        assertThat(twice.stderr()).isEqualTo("jrun: two device nodes at /dev/fuse: give each its own path\n");
        // a symlink to a device is followed, given a path in /dev
        JrunCli.Result r = containers.run("--rm", "--device", link + ":/dev/fuse2:r", containers.busybox, "sh", "-c",
                OPEN + "o /dev/fuse2");
        assertThat(lines(r)).containsExactly("/dev/fuse2 opened");
        assertThat(Set.copyOf(containers.pods("run"))).isEqualTo(before);
    }

    @Test
    void jrunEnterRunsUnderThePodsDevicePolicy() throws Exception {
        JrunCli.Result started = containers.run("-d", "-v", FUSE + ":/fuse", containers.busybox, "sleep", "600");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        String uuid = started.stdout().strip();
        try {
            JrunCli.Result entered = containers.jrun.run("enter", uuid, "sh", "-c", OPEN + "o /fuse; o /dev/null");
            assertThat(lines(entered)).containsExactly("sh: can't open /fuse: Operation not permitted", "/dev/null opened");
        } finally {
            assertThat(containers.jrun.run("stop", "-t", "0", uuid).exitCode()).isZero();
            assertThat(containers.jrun.run("rm", uuid).exitCode()).isZero();
        }
    }

    @Test
    void aPodWhoseDeviceProgramCannotBeAttachedDoesNotStartAndLeavesNothing() throws Exception {
        // A program attached without flags to the pods' parent forbids any program below it: the
        // kernel then refuses the pod's own (EPERM). It allows every device, so jrun, which passes
        // through the pod's cgroup during the launch, is not hindered by it.
        Path hierarchy = Cgroup2.find().orElseThrow(() -> new AssertionError("this test needs a cgroup2 mount")).mountPoint();
        String name = "jrun-test-" + UUID.randomUUID().toString().substring(0, 8);
        Path parent = Files.createDirectory(hierarchy.resolve(name));
        try {
            try (Fd dir = FileSyscalls.openat(AtFlags.AT_FDCWD, parent.toString(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY
                    | OpenFlags.O_CLOEXEC, 0);
                 Fd allowAll = Bpf.loadCgroupDeviceProgram(new long[] {0x1_0000_00b7L, 0x95}, "Apache-2.0", "jrun_test")) {
                Bpf.attachCgroupDevice(dir.value(), allowAll.value(), 0);
            }
            JrunCli jrun = containers.jrun.withEnv(Map.of("JRUN_CGROUP_PARENT", "/" + name));
            JrunCli.Result r = jrun.run("run", "--rm", containers.busybox, "echo", "ran");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
            assertThat(r.stdout()).as("the app never ran").isEmpty();
            assertThat(r.stderr()).matches("jrun: cannot attach the pod's device program to its cgroup " + parent
                    + "/pod-[0-9a-f-]+: Operation not permitted \\(EPERM\\): a device program on a cgroup above it was"
                    + " attached without flags \\(neither ALLOW_MULTI nor ALLOW_OVERRIDE\\) and forbids programs below; choose"
                    + " another --cgroup-parent\n");
            assertThat(containers.pods("run")).isEmpty();
            try (Stream<Path> children = Files.list(parent)) {
                assertThat(children.filter(Files::isDirectory)).as("cgroups left in " + parent).isEmpty();
            }
            // --privileged needs no program: it runs there
            JrunCli.Result privileged = jrun.run("run", "--rm", "--privileged", containers.busybox, "echo", "ran");
            assertThat(privileged.stdout()).as(privileged.toString()).isEqualTo("ran\n");
        } finally {
            Files.delete(parent); // empty: the program goes with it
        }
    }
}
