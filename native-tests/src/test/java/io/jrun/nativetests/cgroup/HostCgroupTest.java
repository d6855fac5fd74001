package io.jrun.nativetests.cgroup;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * cgroup v2 on this host, whose cgroup2 mount lacks the memory, cpu and pids controllers (here
 * /sys/fs/cgroup/unified has only hugetlb beside v1 hierarchies jrun never touches): a limit that
 * cannot be applied is one line and exit 125, with nothing left (a limit the kernel refuses on a
 * full cgroup v2 is the VM group's, in CgroupLimitsTest); without limits every pod still
 * gets a cgroup of its own, seen from inside as its cgroup namespace's root. Each test uses a
 * parent cgroup of its own (JRUN_CGROUP_PARENT), removed afterwards.
 */
class HostCgroupTest {
    @TempDir
    static Path state;
    static JrunCli plainJrun;
    static String busybox;
    static Path hierarchy;

    JrunCli jrun;
    Path parent;

    @BeforeAll
    static void image() throws Exception {
        hierarchy = cgroup2Mount().orElseThrow(() -> new AssertionError(
                "this test needs a cgroup2 mount (jrun's pods get their cgroups there), and /proc/self/mountinfo has none"));
        plainJrun = new JrunCli(state);
        busybox = "oci:" + TestImages.layout("busybox") + ":latest";
        JrunCli.Result fetched = plainJrun.run("fetch", "-q", busybox);
        assertThat(fetched.exitCode()).as(fetched.toString()).isZero();
    }

    @BeforeEach
    void ownParent() {
        String name = "jrun-test-" + UUID.randomUUID().toString().substring(0, 8);
        parent = hierarchy.resolve(name);
        jrun = plainJrun.withEnv(Map.of("JRUN_CGROUP_PARENT", "/" + name));
    }

    @AfterEach
    void nothingLeft() throws Exception {
        JrunCli.Result gc = jrun.run("gc", "--grace-period", "0");
        assertThat(gc.exitCode()).as(gc.toString()).isZero();
        for (String phase : List.of("prepare", "run", "exited-garbage", "garbage")) {
            assertThat(entries(state.resolve("pods").resolve(phase))).as("pods/" + phase).isEmpty();
        }
        if (Files.isDirectory(parent)) {
            assertThat(podCgroups()).as("pod cgroups left in " + parent).isEmpty();
            Files.delete(parent);
        }
    }

    @Test
    void aLimitThatCannotBeAppliedIsOneLineWithExitCode125AndLeavesNothing() throws Exception {
        String controllers = Files.readString(hierarchy.resolve("cgroup.controllers")).strip();
        assertThat(List.of(controllers.split(" "))).as("this test needs a cgroup v2 without the memory controller, as the"
                + " project's machine has (" + hierarchy + " has: " + controllers + "); on a full cgroup v2 the VM group's"
                + " CgroupLimitsTest checks a limit the kernel refuses instead").doesNotContain("memory");
        JrunCli.Result r = jrun.run("run", "--rm", "--memory", "64m", busybox, "echo", "ran");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        assertThat(r.stdout()).as("the app never ran").isEmpty();
        assertThat(r.stderr().lines().toList()).as(r.toString()).hasSize(1);
        assertThat(r.stderr()).isEqualTo("jrun: memory controller not available in cgroup v2 at " + hierarchy
                + " (it has: " + (controllers.isEmpty() ? "none" : controllers) + "): --memory (linux.resources.memory.limit) needs it;"
                + " drop --memory, or run on a host whose cgroup v2 has it\n");
        assertThat(entries(state.resolve("pods/run"))).as("no pod left").isEmpty();
        assertThat(entries(state.resolve("pods/prepare"))).as("no pod left").isEmpty();
        assertThat(podCgroups()).as("no cgroup left").isEmpty();

        JrunCli.Result invalid = jrun.run("run", "--rm", "--pids-limit", "0", busybox, "true");
        assertThat(invalid.exitCode()).isEqualTo(125);
        assertThat(invalid.stderr()).isEqualTo("jrun: --pids-limit must be at least 1, or -1 for unlimited, not 0\n");
    }

    @Test
    void withoutLimitsThePodRunsInItsOwnCgroupSeenAsTheRootOfItsCgroupNamespace(@TempDir Path dir) throws Exception {
        Path uuidFile = dir.resolve("uuid");
        JrunCli.Result r = jrun.run("run", "--uuid-file-save", uuidFile.toString(), busybox, "sh", "-c",
                "grep '^0::' /proc/self/cgroup; grep ' /sys/fs/cgroup ' /proc/self/mountinfo | cut -d' ' -f5,6,9;"
                        + " cat /sys/fs/cgroup/cgroup.procs | head -n 1; test -e /sys/fs/cgroup/cgroup.kill && echo own;"
                        + " echo x > /sys/fs/cgroup/cgroup.procs 2>/dev/null || echo read-only; exit 3");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        // cgroup.kill exists only in non-root cgroups: the mount shows the pod's cgroup, not the host's root
        assertThat(r.stdout()).isEqualTo("0::/\n/sys/fs/cgroup ro,nosuid,nodev,noexec,relatime cgroup2\n1\nown\nread-only\n");
        String uuid = Files.readString(uuidFile).strip();
        JrunCli.Result status = jrun.run("status", uuid);
        assertThat(status.stdout()).as("an exited pod's cgroup is gone: status names none")
                .contains("cgroup=none\n", "exit-code=3\n", "reason=exited\n");
        assertThat(parent.resolve("pod-" + uuid)).as("the pod's cgroup goes when its app exits").doesNotExist();
        assertThat(jrun.run("rm", uuid).exitCode()).isZero();
    }

    @Test
    void aRunningPodsStatusShowsItsCgroupAndCpuUsage() throws Exception {
        JrunCli.Result started = jrun.run("run", "-d", busybox, "sh", "-c", "while :; do sleep 1; done");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        String uuid = started.stdout().strip();
        Path cgroup = parent.resolve("pod-" + uuid);
        JrunCli.Result status = jrun.run("status", uuid);
        assertThat(status.stdout()).contains("state=running\n", "cgroup=" + cgroup + "\n").containsPattern("cpu.usage_usec=[0-9]+\n");
        long pid = Long.parseLong(status.stdout().lines().filter(l -> l.startsWith("pid=")).findFirst().orElseThrow().substring(4));
        assertThat(Files.readAllLines(cgroup.resolve("cgroup.procs"))).contains(Long.toString(pid));
        assertThat(jrun.run("stop", "-t", "0", uuid).exitCode()).isZero();
        assertThat(cgroup).doesNotExist();
        assertThat(jrun.run("rm", uuid).exitCode()).isZero();
    }

    @Test
    void gcRemovesAnotherStateDirsEmptyCgroupOnlyOnceItIsOld() throws Exception {
        Files.createDirectories(parent);
        Path young = Files.createDirectory(parent.resolve("pod-" + UUID.randomUUID()));
        Path old = Files.createDirectory(parent.resolve("pod-" + UUID.randomUUID()));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        JrunCli.Result gc = jrun.run("gc", "--grace-period", "0");
        assertThat(gc.exitCode()).as(gc.toString()).isZero();
        assertThat(old).as("an empty cgroup an hour old that no pod here owns: a leftover").doesNotExist();
        assertThat(young).as("an empty cgroup just made: maybe another state dir's pod being launched").exists();
        Files.delete(young);
    }

    private List<Path> podCgroups() throws IOException {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(p -> p.getFileName().toString().startsWith("pod-")).toList();
        }
    }

    private static List<Path> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    static Optional<Path> cgroup2Mount() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] halves = line.split(" - ", 2);
            if (halves.length == 2 && halves[1].startsWith("cgroup2 ")) {
                return Optional.of(Path.of(halves[0].split(" ")[4]));
            }
        }
        return Optional.empty();
    }
}
