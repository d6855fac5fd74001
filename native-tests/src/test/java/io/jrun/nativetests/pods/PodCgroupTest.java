package io.jrun.nativetests.pods;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.runtime.cgroup.Cgroup2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cgroup of a pod of several apps on this host's cgroup v2 (only hugetlb here, so the
 * shape, the placement and the cleanup; the limits themselves are the VM group's, in
 * CgroupLimitsTest): the pod's cgroup {@code PARENT/pod-POD} holds no process, each app runs in
 * its own child {@code pod-POD/pod-UNIT}; status, top and stats read the pod's; the pod's
 * cgroup goes with the pod (rm, gc), its whole subtree with it. Each test uses a parent cgroup
 * of its own (JRUN_CGROUP_PARENT), removed afterwards.
 */
@ExtendWith(HostLeftAsItWas.class)
class PodCgroupTest {
    @TempDir
    static Path state;
    static JrunCli plainJrun;
    static String busybox;
    static Path hierarchy;

    JrunCli jrun;
    Path parent;

    @TempDir
    Path dir;

    @BeforeAll
    static void image() throws Exception {
        hierarchy = Cgroup2.find().map(Cgroup2::mountPoint).orElseThrow(() -> new AssertionError(
                "this test needs a cgroup2 mount (jrun's pods get their cgroups there), and /proc/self/mountinfo has none"));
        plainJrun = new JrunCli(state);
        busybox = plainJrun.fetchBusybox();
    }

    @BeforeEach
    void ownParent() {
        String name = "jrun-test-" + UUID.randomUUID().toString().substring(0, 8);
        parent = hierarchy.resolve(name);
        jrun = plainJrun.withEnv(Map.of("JRUN_CGROUP_PARENT", "/" + name));
    }

    @AfterEach
    void nothingLeft() throws Exception {
        PodCli.gcLeavesNoPods(jrun, state);
        if (Files.isDirectory(parent)) {
            assertThat(children(parent)).as("cgroups left in " + parent).isEmpty();
            Files.delete(parent);
        }
    }

    private JrunCli.Result ok(String... args) throws Exception {
        return PodCli.ok(jrun, args);
    }

    private String status(String pod, String key) throws Exception {
        return PodCli.status(jrun, pod, key);
    }

    /** An app that says it runs in /shared/NAME, then waits for SIGTERM. */
    private static String waiting(String name) {
        return "trap 'exit 0' TERM; touch /shared/" + name + "; while :; do sleep 0.1; done";
    }

    @Test
    void eachAppRunsInAChildOfThePodsCgroupWhichHoldsNoProcessAndGoesWithThePod() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        String v = shared + ":/shared";
        String uuid = ok("run", "-d", "--name", "tree", busybox, "--app-name", "a", "-v", v, "--", "sh", "-c", waiting("a"),
                "---", busybox, "--app-name", "b", "-v", v, "--", "sh", "-c", waiting("b")).stdout().strip();
        PodCli.awaitFiles(shared.resolve("a"), shared.resolve("b"));
        Path pod = parent.resolve("pod-" + uuid);
        assertThat(status("tree", "cgroup")).isEqualTo(pod.toString());
        assertThat(Files.readAllLines(pod.resolve("cgroup.procs"))).as("the pod's cgroup holds no process itself").isEmpty();
        assertThat(children(parent)).as("one cgroup for the pod, none per app beside it").containsExactly(pod);
        for (String app : List.of("a", "b")) {
            Path leaf = pod.resolve("pod-" + status("tree", "app." + app + ".unit"));
            assertThat(status("tree", "app." + app + ".cgroup")).isEqualTo(leaf.toString());
            assertThat(Files.readAllLines(leaf.resolve("cgroup.procs"))).as("app " + app + " in its own child")
                    .contains(status("tree", "app." + app + ".pid"));
        }
        assertThat(children(pod)).hasSize(2);
        String top = ok("top", "tree").stdout();
        assertThat(top.lines().filter(l -> l.contains("sh -c trap")).count()).as("top POD: every app's processes\n" + top)
                .isEqualTo(2);
        assertThat(ok("stats", "--no-stream", "tree").stdout()).as("stats POD: one line for the pod, from its cgroup")
                .containsPattern("\n" + uuid.substring(0, 8) + " +tree +[0-9.]+s ");

        ok("stop", "tree");
        assertThat(children(pod)).as("each app's cgroup goes with it").isEmpty();
        assertThat(pod).as("the pod's cgroup lives as long as the pod").isDirectory();
        assertThat(status("tree", "cgroup")).isEqualTo(pod.toString());
        ok("rm", "tree");
        assertThat(pod).doesNotExist();
    }

    @Test
    void aForegroundPodsAppsAreInItsCgroupToo() throws Exception {
        JrunCli.Result run = jrun.run("run", "--name", "fg", busybox, "--app-name", "a", "--", "sh", "-c",
                "grep '^0::' /proc/self/cgroup", "---", busybox, "--app-name", "b", "--", "true");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).as("each app sees its own cgroup as the root of its cgroup namespace").isEqualTo("0::/\n");
        Path pod = parent.resolve("pod-" + status("fg", "uuid"));
        assertThat(pod).isDirectory();
        assertThat(children(pod)).as("the exited apps' cgroups are gone").isEmpty();
        assertThat(status("fg", "app.a.cgroup")).isEqualTo("none");
        ok("rm", "fg");
        assertThat(pod).doesNotExist();
    }

    @Test
    void gcAfterASigkilledSupervisorRemovesThePodsWholeSubtreeAndKillsWhatRunsInIt() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        String v = shared + ":/shared";
        Process supervisor = jrun.command("run", "--name", "killed", busybox, "--app-name", "a", "-v", v, "--", "sh", "-c",
                        waiting("a"), "---", busybox, "--app-name", "b", "-v", v, "--", "sh", "-c", waiting("b"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        PodCli.awaitFiles(shared.resolve("a"), shared.resolve("b"));
        Path pod = parent.resolve("pod-" + status("killed", "uuid"));
        // a process somewhere in the pod's subtree that no app's unit records: gc must find it too
        Path stray = Files.createDirectory(pod.resolve("stray"));
        Process sleeper = new ProcessBuilder("sleep", "600").start();
        Files.writeString(stray.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
        supervisor.destroyForcibly().waitFor();
        assertThat(status("killed", "app.a.state")).contains("abandoned");
        ok("gc", "--grace-period", "0");
        assertThat(pod).as("the pod's cgroup and everything below it").doesNotExist();
        sleeper.waitFor();
        assertThat(sleeper.exitValue()).as("killed with the pod's subtree (SIGKILL)").isEqualTo(137);
    }

    @Test
    void podLimitsTheHostCannotApplyAreOneLineAndLeaveNothing() throws Exception {
        String controllers = Files.readString(hierarchy.resolve("cgroup.controllers")).strip();
        assertThat(List.of(controllers.split(" "))).as("this test needs a cgroup v2 without the pids controller, as the"
                + " project's machine has (" + hierarchy + " has: " + controllers + "); on a full cgroup v2 the VM group's"
                + " CgroupLimitsTest checks the pod's limits").doesNotContain("pids");
        String missing = "pids controller not available in cgroup v2 at " + hierarchy + " (it has: "
                + (controllers.isEmpty() ? "none" : controllers) + "): --pids-limit (linux.resources.pids.limit) needs it;"
                + " drop --pids-limit, or run on a host whose cgroup v2 has it";
        String[][] cases = {
                {"run", "--pids-limit", "10", "--name", "lim", busybox, "---", busybox, "--app-name", "b"},
                // an app's own limit fails its launch, as a one-app pod's does: --rm leaves nothing
                {"run", "--rm", "--name", "lim", busybox, "--pids-limit", "10", "---", busybox, "--app-name", "b"},
        };
        for (String[] c : cases) {
            JrunCli.Result r = jrun.run(c);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
            assertThat(r.stderr()).isEqualTo("jrun: " + missing + "\n");
            assertThat(jrun.run("status", "lim").exitCode()).as("no pod record left").isEqualTo(125);
            assertThat(children(parent)).as("no cgroup left").isEmpty();
        }
    }

    private static List<Path> children(Path cgroup) throws IOException {
        if (!Files.isDirectory(cgroup)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cgroup)) {
            return s.filter(Files::isDirectory).toList();
        }
    }
}
