package io.jrun.nativetests.vm;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jrun's cgroup v2 limits on a full cgroup v2 (the guest's), through the real CLI. The group runs
 * in a systemd service with Delegate=yes, so jrun finds its unit delegated (trusted.delegate),
 * moves itself to the unit's leaf "supervisor" and makes the pods' cgroups beside it. After each
 * test no process is left (HostLeftAsItWas: the detached pods' supervisors included).
 */
@Tag("vm")
@ExtendWith(HostLeftAsItWas.class)
class CgroupLimitsTest {
    @TempDir
    static Path state;
    static VmJrun jrun;
    static String busybox;

    @BeforeAll
    static void image() throws Exception {
        jrun = VmJrun.in(state);
        busybox = jrun.fetchBusybox();
    }

    @AfterAll
    static void nothingLeft() throws Exception {
        jrun.gcLeavesNothing();
    }

    @Test
    void aMemoryHogIsOomKilledAtItsLimitAndReportedAsOom(@TempDir Path dir) throws Exception {
        Path uuidFile = dir.resolve("uuid");
        // dd touches its whole 64 MiB buffer: far above 16 MiB, and no swap to escape to
        JrunCli.Result r = jrun.run("run", "--uuid-file-save", uuidFile.toString(), "--memory", "16m", "--memory-swap", "16m",
                busybox, "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(137);
        String uuid = Files.readString(uuidFile).strip();
        Map<String, String> status = status(uuid);
        assertThat(status).containsEntry("exit-code", "137").containsEntry("reason", "oom");
        assertThat(jrun.run("list", "--format", "json").stdout()).containsPattern("\"reason\" ?: ?\"oom\"");
        assertThat(status).as("the pod's cgroup goes with its app, and status shows none").containsEntry("cgroup", "none");
        assertThat(podCgroups()).as("the pod's cgroup is gone").noneMatch(p -> p.getFileName().toString().equals("pod-" + uuid));
        assertThat(jrun.run("rm", uuid).exitCode()).isZero();
    }

    @Test
    void aForkBombStopsAtThePidsLimit(@TempDir Path dir) throws Exception {
        // After the bomb only shell builtins run: every pid is taken. The sleepers die with pid 1.
        Path script = Files.writeString(dir.resolve("bomb.sh"), """
                (i=0; while :; do sleep 60 & i=$((i+1)); echo $i > /tmp/forks; done) 2>/tmp/err
                read forks < /tmp/forks; echo "forks=$forks"
                read err < /tmp/err; echo "err=$err"
                read max < /sys/fs/cgroup/pids.max; echo "pids.max=$max"
                while read k v; do echo "pids.events.$k=$v"; done < /sys/fs/cgroup/pids.events
                """);
        JrunCli.Result r = jrun.run("run", "--rm", "--pids-limit", "16", "-v", script + ":/bomb.sh:ro", busybox, "sh", "/bomb.sh");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, String> seen = keyValues(r.stdout());
        assertThat(seen).containsEntry("pids.max", "16");
        assertThat(Integer.parseInt(seen.get("forks"))).as(r.toString()).isBetween(1, 15);
        assertThat(seen.get("err")).contains("can't fork");
        assertThat(Long.parseLong(seen.get("pids.events.max"))).isPositive();
    }

    @Test
    void cpusHalfSetsAQuotaThatThrottlesABusyLoopAndTheCgroupGoesWithThePod() throws Exception {
        JrunCli.Result started = jrun.run("run", "-d", "--cpus", "0.5", busybox, "sh", "-c", "while :; do :; done");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        String uuid = started.stdout().strip();
        Map<String, String> running = status(uuid);
        assertThat(running).containsKey("cpu.usage_usec").containsKey("memory.current").containsKey("pids.current");
        Path cgroup = Path.of(running.get("cgroup"));
        assertThat(cgroup.toString()).as("the pod's cgroup sits beside jrun's leaf in its delegated unit")
                .matches("/sys/fs/cgroup/system\\.slice/[^/]+\\.service/pod-" + uuid);
        assertThat(cgroup.resolveSibling("supervisor")).as("jrun's leaf in its delegated unit").isDirectory();
        // What --cpus 0.5 promises, without a clock: a quota of 50 ms per 100 ms period, and the
        // kernel holding the loop to it. A busy loop wants every period whole, so each period it
        // runs in ends with the loop throttled; without a quota ("max") nr_throttled stays 0.
        assertThat(Files.readString(cgroup.resolve("cpu.max")).strip()).isEqualTo("50000 100000");
        Map<String, Long> before = cpuStat(cgroup);
        Map<String, Long> after = before;
        for (int i = 0; i < 600 && after.get("nr_throttled") < before.get("nr_throttled") + 3; i++) {
            Thread.sleep(100);
            after = cpuStat(cgroup);
        }
        assertThat(after.get("nr_throttled")).as("periods the loop was throttled in, cpu.stat before %s, after %s", before, after)
                .isGreaterThanOrEqualTo(before.get("nr_throttled") + 3);
        assertThat(after.get("throttled_usec")).as("time it spent throttled").isGreaterThan(before.get("throttled_usec"));
        assertThat(after.get("nr_periods")).as("periods it ran in").isGreaterThan(before.get("nr_periods"));

        assertThat(jrun.run("stop", "-t", "0", uuid).exitCode()).isZero();
        assertThat(cgroup).as("removed when the pod exits").doesNotExist();
        assertThat(jrun.run("rm", uuid).exitCode()).isZero();
    }

    @Test
    void aLimitTheKernelRefusesIsOneLineWithExitCode125AndLeavesNothing() throws Exception {
        List<Path> podsBefore = podCgroups();
        List<String> runBefore = entries("run");
        // cpuset.cpus takes only CPUs the machine has: the write fails while the pod's cgroup is made
        JrunCli.Result r = jrun.run("run", "--rm", "--cpuset-cpus", "4095", busybox, "echo", "ran");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        assertThat(r.stdout()).as("the app never ran").isEmpty();
        assertThat(r.stderr()).startsWith("jrun: cannot apply --cpuset-cpus (linux.resources.cpu.cpus): writing '4095' to ").endsWith("\n");
        assertThat(r.stderr().lines().toList()).as(r.toString()).hasSize(1);
        assertThat(entries("run")).as("no pod left").isEqualTo(runBefore);
        assertThat(entries("prepare")).as("no pod left being prepared").isEmpty();
        assertThat(podCgroups()).as("no pod cgroup left").isEqualTo(podsBefore);
    }

    @Test
    void onKernel61ProcIsMountedThroughTheHelperAndShowsOnlyTheContainersProcesses() throws Exception {
        // 6.1 has no fsconfig(pidns): jrun's /proc fallback (a helper in the pid namespace) runs
        JrunCli.Result r = jrun.run("run", "--rm", busybox, "sh", "-c",
                "echo pid=$$; set -- /proc/[0-9]*; echo procs=$*; cat /proc/1/cmdline | tr '\\0' ' '; echo;"
                        + " grep '^0::' /proc/self/cgroup; cat /sys/fs/cgroup/memory.max");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("pid=1\nprocs=/proc/1\nsh -c " + "echo pid=$$; set -- /proc/[0-9]*; echo procs=$*; cat /proc/1/cmdline | tr '\\0' ' '; echo;"
                + " grep '^0::' /proc/self/cgroup; cat /sys/fs/cgroup/memory.max" + " \n0::/\nmax\n");
    }

    /** cpu.stat: usage_usec, nr_periods, nr_throttled, throttled_usec… */
    private static Map<String, Long> cpuStat(Path cgroup) throws IOException {
        return Files.readAllLines(cgroup.resolve("cpu.stat")).stream().map(l -> l.split(" "))
                .collect(Collectors.toMap(f -> f[0], f -> Long.parseLong(f[1])));
    }

    /** Every pod cgroup on the machine (the pods' are in this job's delegated unit). */
    private static List<Path> podCgroups() throws IOException {
        try (Stream<Path> s = Files.walk(Path.of("/sys/fs/cgroup"), 4)) {
            return s.filter(p -> p.getFileName() != null && p.getFileName().toString().startsWith("pod-")).sorted().toList();
        }
    }

    /** The pods in {@code phase} of the state directory. */
    private static List<String> entries(String phase) throws IOException {
        Path dir = state.resolve("pods").resolve(phase);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, String> status(String pod) throws Exception {
        JrunCli.Result r = jrun.run("status", pod);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return keyValues(r.stdout());
    }

    static Map<String, String> keyValues(String output) {
        return output.lines().filter(l -> l.indexOf('=') > 0)
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1), (a, b) -> b));
    }

    static List<String> lines(String s) {
        return s.lines().toList();
    }
}
