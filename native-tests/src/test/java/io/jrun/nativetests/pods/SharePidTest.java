package io.jrun.nativetests.pods;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jrun run --share-pid}: the apps of a pod share one pid namespace, held by the pod's
 * pause process (catatonit, pid 1 there), with the real CLI against the real kernel. Every
 * test ends with no pod, no nsfs mount and no pause process left.
 */
@ExtendWith(HostLeftAsItWas.class)
class SharePidTest {
    @TempDir
    static Path state;
    static JrunCli jrun;
    static String busybox;

    @TempDir
    Path dir;

    @BeforeAll
    static void image() throws Exception {
        jrun = new JrunCli(state);
        busybox = jrun.fetchBusybox();
    }

    @AfterEach
    void nothingLeft() throws Exception {
        PodCli.gcLeavesNoPods(jrun, state);
    }

    @Test
    void appBSeesAppAsProcessInProcAndSignalsIt() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        String v = shared + ":/shared";
        String a = "echo a pidns=$(readlink /proc/self/ns/pid) pid=$$; echo $$ > /shared/a.tmp; mv /shared/a.tmp /shared/a;"
                + " trap 'echo a got TERM; exit 5' TERM; while :; do sleep 0.1; done";
        String b = "until [ -e /shared/a ]; do sleep 0.1; done; read A < /shared/a;"
                + " echo b pidns=$(readlink /proc/self/ns/pid) pid=$$;"
                + " echo b sees a: $(tr '\\0' ' ' < /proc/$A/cmdline | cut -c1-5);"
                + " echo b sees pid 1: $(tr '\\0' ' ' < /proc/1/cmdline); kill -TERM $A";
        JrunCli.Result run = jrun.run("run", "--name", "pids", "--share-pid", busybox, "--app-name", "a", "-v", v, "--",
                "sh", "-c", a, "---", busybox, "--app-name", "b", "-v", v, "--", "sh", "-c", b);
        assertThat(run.exitCode()).as("a's exit code, set by its TERM trap: " + run).isEqualTo(5);
        String out = run.stdout();
        String pidnsA = field(out, "a", "pidns");
        assertThat(field(out, "b", "pidns")).as("one pid namespace").isEqualTo(pidnsA)
                .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString());
        assertThat(field(out, "a", "pid")).as("no app is pid 1: the pause is").isNotEqualTo("1");
        assertThat(out).contains("b sees a: sh -c\n", "b sees pid 1: catatonit -P\n", "a got TERM\n");
        assertThat(PodCli.status(jrun, "pids", "app.a.exit-code")).isEqualTo("5");
        assertThat(PodCli.status(jrun, "pids", "app.b.exit-code")).isEqualTo("0");
        PodCli.ok(jrun, "rm", "pids");
    }

    @Test
    void aDetachedPodsPauseIsConfinedToAnEmptyRootAndGoesWithThePod() throws Exception {
        String uuid = PodCli.ok(jrun, "run", "-d", "--name", "paused", "--share-pid", busybox, "--app-name", "a", "--",
                "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done", "---", busybox, "--app-name", "b", "--",
                "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done").stdout().strip();
        Path ns = state.resolve("pods/apps").resolve(uuid).resolve("ns");
        long pause = Long.parseLong(Files.readString(ns.resolve("pause.pid")).strip().split(" ")[0]);
        assertThat(Files.readString(Path.of("/proc/" + pause + "/cmdline"))).isEqualTo("catatonit\0-P\0");
        try (var root = Files.list(Path.of("/proc/" + pause + "/root"))) {
            assertThat(root.map(p -> p.getFileName().toString()).toList()).as("the pause's root: catatonit alone, not the host's")
                    .containsExactly("catatonit");
        }
        assertThat(Files.readAllLines(Path.of("/proc/" + pause + "/status"))).as("no privilege for an app to take over")
                .contains("CapInh:\t0000000000000000", "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000",
                        "CapAmb:\t0000000000000000", "NoNewPrivs:\t1");
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + pause + "/ns/pid")).toString()).as("the pod's pid namespace")
                .isEqualTo(PodCli.ok(jrun, "enter", "paused", "--app", "b", "readlink", "/proc/self/ns/pid").stdout().strip());
        String cgroup = PodCli.status(jrun, "paused", "cgroup");
        if (!cgroup.equals("none")) {
            assertThat(Files.readAllLines(Path.of(cgroup, "infra", "cgroup.procs"))).as("the pause in the pod's cgroup")
                    .containsExactly(Long.toString(pause));
        }
        PodCli.ok(jrun, "stop", "paused");
        assertThat(Path.of("/proc/" + pause + "/cmdline")).as("a stopped detached pod keeps its namespaces until rm").exists();
        PodCli.ok(jrun, "rm", "paused");
        for (int i = 0; i < 500 && Files.exists(Path.of("/proc/" + pause)); i++) {
            Thread.sleep(10); // the test JVM, a subreaper, reaps it
        }
        assertThat(Path.of("/proc/" + pause)).as("the pause process is killed with the pod").doesNotExist();
        assertThat(ns).doesNotExist();
    }

    @Test
    void sharePidIsForAPodOfSeveralApps() throws Exception {
        JrunCli.Result r = jrun.run("run", "--rm", "--share-pid", busybox, "true");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jrun: --share-pid is for a pod of several apps (IMG1 … --- IMG2 …):"
                + " one app has its pid namespace to itself; drop --share-pid\n");
    }

    private static String field(String out, String app, String key) {
        return out.lines().filter(l -> l.startsWith(app + " pidns=")).findFirst().orElseThrow(() -> new AssertionError(
                "no line of app " + app + " in\n" + out)).replaceAll(".*\\b" + key + "=(\\S+).*", "$1");
    }
}
