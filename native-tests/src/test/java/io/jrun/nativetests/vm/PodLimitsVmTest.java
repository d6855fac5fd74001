package io.jrun.nativetests.vm;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits of a pod of several apps on a full cgroup v2 (the guest's, in a delegated unit):
 * a pod's limit (before the first image) is written on the pod's cgroup and binds its apps
 * together; an app's own limit (after its image) is written on its own cgroup, the pod's child.
 */
@Tag("vm")
@ExtendWith(HostLeftAsItWas.class)
class PodLimitsVmTest {
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
    void aPodsPidsLimitBindsItsAppsTogetherAndAnAppsOwnMemoryLimitIsOnItsOwnCgroup(@TempDir Path dir) throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path fifo = shared.resolve("done");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        String v = shared + ":/shared";
        // a: its shell and 6 sleepers, 7 of the pod's 12; it waits on the fifo, forking nothing more
        String a = "read max < /sys/fs/cgroup/memory.max; echo a.memory.max=$max;"
                + " read max < /sys/fs/cgroup/pids.max; echo a.pids.max=$max;"
                + " for i in 1 2 3 4 5 6; do sleep 600 & done; echo > /shared/a-ready; read x < /shared/done";
        // b: once a's sleepers run, forks until it cannot: its shell, the subshell and its sleepers get
        // the 5 pids a left, though b's own cgroup has no pids limit
        String b = "until [ -e /shared/a-ready ]; do sleep 0.1; done;"
                + " (i=0; while :; do sleep 600 & i=$((i+1)); echo $i > /tmp/forks; done) 2>/tmp/err;"
                + " read forks < /tmp/forks; echo b.forks=$forks; read err < /tmp/err; echo b.err=$err;"
                + " read max < /sys/fs/cgroup/pids.max; echo b.pids.max=$max; echo > /shared/done";
        // (no pids.events check: Debian's 6.1 counts a refused fork in the forking task's cgroup, b's, and
        // newer kernels in the cgroup whose limit refused it, the pod's)
        JrunCli.Result r = jrun.run("run", "--name", "bound", "--pids-limit", "12",
                busybox, "--app-name", "a", "--memory", "32m", "-v", v, "--", "sh", "-c", a,
                "---", busybox, "--app-name", "b", "-v", v, "--", "sh", "-c", b);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, String> seen = CgroupLimitsTest.keyValues(r.stdout());
        assertThat(seen).as(r.toString()).containsEntry("a.memory.max", Long.toString(32L << 20))
                .containsEntry("a.pids.max", "max").containsEntry("b.pids.max", "max");
        assertThat(seen.get("b.err")).as(r.toString()).contains("can't fork");
        assertThat(Integer.parseInt(seen.get("b.forks"))).as("b's sleepers: 12 less a's 7 and b's shell and subshell")
                .isBetween(1, 3);

        Map<String, String> status = CgroupLimitsTest.keyValues(jrun.run("status", "bound").stdout());
        Path pod = Path.of(status.get("cgroup"));
        assertThat(pod.toString()).as("the pod's cgroup in jrun's delegated unit")
                .matches("/sys/fs/cgroup/system\\.slice/[^/]+\\.service/pod-" + status.get("uuid"));
        assertThat(Files.readString(pod.resolve("pids.max")).strip()).isEqualTo("12");
        assertThat(Files.readString(pod.resolve("memory.max")).strip()).as("no pod memory limit asked").isEqualTo("max");
        assertThat(jrun.run("rm", "bound").exitCode()).isZero();
        assertThat(pod).as("removed with the pod").doesNotExist();
    }
}
