package io.jrun.nativetests.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.nativetests.fetch.JrunCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Managing pods with the real CLI, as root, against the real kernel: list, status, stop, rm,
 * gc and run --detach, their errors, many jrun processes on one store at once, and a SIGKILLed
 * supervisor. Every test ends with no pod left and the host as it was.
 */
@ExtendWith(HostLeftAsItWas.class)
class PodLifecycleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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
        JrunCli.Result gc = jrun.run("gc", "--grace-period", "0");
        assertThat(gc.exitCode()).as(gc.toString()).isZero();
        for (String phase : List.of("tmp", "prepare", "run", "exited-garbage", "garbage", "names", "exits")) {
            assertThat(entries(state.resolve("pods").resolve(phase))).as("pods/" + phase + " after gc").isEmpty();
        }
        assertThat(entries(state.resolve("oci")).stream().filter(p -> !p.getFileName().toString().startsWith(".")))
                .as("jrun-oci's containers under oci/ after gc").isEmpty();
    }

    private static List<Path> entries(Path dir) throws IOException {
        return PodCli.entries(dir);
    }

    private static JrunCli.Result ok(String... args) throws Exception {
        return PodCli.ok(jrun, args);
    }

    private static String status(String pod, String key) throws Exception {
        return PodCli.status(jrun, pod, key);
    }

    @Test
    void aDetachedPodIsListedStoppedWithItsStopSignalAndRemoved() throws Exception {
        String uuid = ok("run", "-d", "--name", "web", busybox, "sh", "-c",
                "echo up; trap 'echo stopping; exit 9' TERM; while :; do sleep 0.1; done").stdout().strip();
        assertThat(uuid).matches("[0-9a-f-]{36}");
        JsonNode list = JSON.readTree(ok("list", "--format", "json").stdout());
        assertThat(list).hasSize(1);
        JsonNode web = list.get(0);
        assertThat(web.get("uuid").asText()).isEqualTo(uuid);
        assertThat(web.get("name").asText()).isEqualTo("web");
        assertThat(web.get("state").asText()).isEqualTo("running");
        assertThat(web.get("image").asText()).isEqualTo(busybox);
        assertThat(web.get("pid").asLong()).isPositive();
        assertThat(web.get("exitCode").isNull()).isTrue();
        assertThat(ok("list").stdout()).contains(uuid.substring(0, 8), "web", "running");
        assertThat(status(uuid.substring(0, 6), "state")).as("by a UUID prefix").isEqualTo("running");

        JrunCli.Result rmRunning = jrun.run("rm", "web");
        assertThat(rmRunning.exitCode()).isEqualTo(125);
        assertThat(rmRunning.stderr()).isEqualTo("jrun: pod " + uuid + " is running: stop it first (jrun stop), or pass --force\n");

        assertThat(ok("stop", "web").stdout()).isEqualTo(uuid + "\n");
        assertThat(status("web", "state")).isEqualTo("exited");
        assertThat(status("web", "exit-code")).isEqualTo("9");
        assertThat(status("web", "reason")).isEqualTo("exited");
        Path pod = state.resolve("pods/run").resolve(uuid);
        assertThat(ok("logs", "web").stdout()).as("the app's output, from conmon's log").isEqualTo("up\nstopping\n");
        assertThat(ok("status", "--wait", "web").stdout()).contains("state=exited");

        assertThat(ok("rm", "web").stdout()).isEqualTo(uuid + "\n");
        assertThat(pod).doesNotExist();
        assertThat(JSON.readTree(ok("list", "--format", "json").stdout())).isEmpty();
    }

    @Test
    void stopEscalatesToSigkillAfterTheTimeoutAndForceKillsAtOnce() throws Exception {
        // pid 1 without a handler ignores SIGTERM: stop must end it with SIGKILL
        String a = ok("run", "-d", busybox, "sh", "-c", "while :; do sleep 0.1; done").stdout().strip();
        String b = ok("run", "-d", busybox, "sh", "-c", "trap '' TERM; while :; do sleep 0.1; done").stdout().strip();
        JrunCli.Result stopped = ok("stop", "--timeout", "1s", a);
        assertThat(stopped.stderr()).as("podman's warning").isEqualTo("jrun: warning: pod " + a
                + " did not stop within 1s of SIGTERM: resorting to SIGKILL (give it a longer --timeout)\n");
        assertThat(status(a, "exit-code")).isEqualTo("137");
        assertThat(status(a, "reason")).isEqualTo("signal (SIGKILL)");
        assertThat(ok("stop", "--force", b).stderr()).as("SIGKILL asked for: no warning").isEmpty();
        assertThat(status(b, "exit-code")).isEqualTo("137");
        ok("rm", a, b);
    }

    @Test
    void unknownAndAmbiguousPodsAreRefusedInOneLine() throws Exception {
        String first = ok("run", busybox, "true").stderr(); // foreground, exited
        assertThat(first).isEmpty();
        JsonNode list = JSON.readTree(ok("list", "--format", "json").stdout());
        String uuid = list.get(0).get("uuid").asText();
        // a second pod whose UUID shares exactly the first four digits: a copy of the first on disk
        String fill = uuid.charAt(4) == 'f' ? "0000" : "ffff";
        String twin = uuid.substring(0, 4) + fill + uuid.substring(8);
        Path original = state.resolve("pods/run").resolve(uuid);
        Path copy = state.resolve("pods/run").resolve(twin);
        Files.createDirectory(copy);
        for (String file : List.of("pod.json", "exit.json", "pid.json")) {
            Files.writeString(copy.resolve(file), Files.readString(original.resolve(file)).replace(uuid, twin));
        }
        for (String[] args : new String[][] {{"status", "nosuchpod"}, {"stop", "nosuchpod"}, {"rm", "nosuchpod"}}) {
            JrunCli.Result r = jrun.run(args);
            assertThat(r.exitCode()).isEqualTo(125);
            assertThat(r.stderr()).isEqualTo("jrun: no pod 'nosuchpod': see jrun list\n");
        }
        JrunCli.Result ambiguous = jrun.run("status", uuid.substring(0, 4));
        assertThat(ambiguous.exitCode()).isEqualTo(125);
        assertThat(ambiguous.stderr()).isEqualTo("jrun: '" + uuid.substring(0, 4) + "' matches 2 pods: give more of the UUID\n");
        assertThat(status(uuid.substring(0, 5), "uuid")).isEqualTo(uuid);
        ok("rm", uuid, twin);
    }

    @Test
    void anImageAPodUsesIsKeptUnlessForced() throws Exception {
        ok("run", "--name", "keeper", busybox, "true");
        JrunCli.Result rm = jrun.run("image", "rm", busybox);
        assertThat(rm.exitCode()).isEqualTo(125);
        assertThat(rm.stderr()).isEqualTo("jrun: image " + busybox + " is in use by a pod: remove the pod first, or pass --force\n");
        ok("image", "gc");
        assertThat(ok("image", "list").stdout()).contains(busybox);
        ok("rm", "keeper");
    }

    @Test
    void removingOneNameOfAnImageAPodRunsUnderAnotherIsAnUntag(@TempDir Path dir) throws Exception {
        // the same image under a second name: a copy of its layout fetched from another path
        Path copy = dir.resolve("busybox-copy");
        Process cp = new ProcessBuilder("cp", "-a", io.jrun.nativetests.harness.TestImages.layout("busybox").toString(),
                copy.toString()).inheritIO().start();
        assertThat(cp.waitFor()).as("cp -a of the busybox layout").isZero();
        String twin = "oci:" + copy + ":latest";
        ok("fetch", "-q", twin);
        try {
            ok("run", "--name", "twin", twin, "true");
            JrunCli.Result rm = jrun.run("image", "rm", busybox);
            assertThat(rm.exitCode()).as("the pod's image keeps its other name: " + rm).isZero();
            assertThat(rm.stdout()).startsWith("Removed " + busybox + " (");
            assertThat(ok("image", "list").stdout()).contains(twin).doesNotContain(busybox + " ");
            JrunCli.Result last = jrun.run("image", "rm", twin);
            assertThat(last.exitCode()).as("its last name is the image: refused").isEqualTo(125);
            assertThat(last.stderr()).isEqualTo("jrun: image " + twin + " is in use by a pod: remove the pod first, or pass --force\n");
            ok("rm", "twin");
        } finally {
            jrun.run("rm", "--force", "twin");
            jrun.run("image", "rm", twin); // or busybox keeps a second name, and anImageAPodUsesIsKeptUnlessForced's rm is an untag
            jrun.fetchBusybox(); // for the other tests
        }
    }

    @Test
    void aSigkilledSupervisorLeavesAnAbandonedPodThatGcStopsGracefullyAndCleansUpFully() throws Exception {
        Abandoned pod = abandonedPod(STOPS_ON_TERM);
        // the lock went with the supervisor: the pod is no longer running, and says why
        assertThat(status(pod.uuid, "state")).isEqualTo("exited");
        assertThat(ok("status", pod.uuid).stdout()).contains("reason=abandoned").contains("the app still runs");
        assertThat(ok("list").stdout()).contains("exited (abandoned)");
        assertThat(ProcessHandle.of(pod.app)).as("the app outlives its supervisor").isPresent();

        // the mark pass stops the app as jrun stop would: its StopSignal first, not SIGKILL
        assertThat(ok("gc", "--mark-only").stdout()).isEqualTo("marked " + pod.uuid + "\n");
        assertThat(pod.shared.resolve("stopped")).as("the app's TERM trap ran").hasContent("TERM");
        assertThat(status(pod.uuid, "state")).isEqualTo("garbage");
        assertThat(status(pod.uuid, "exit-code")).isEqualTo("unknown");
        assertThat(status(pod.uuid, "reason")).isEqualTo("abandoned");
        assertThat(status(pod.uuid, "message")).isEqualTo("its jrun died while the app ran; jrun gc sent SIGTERM:"
                + " the exit code is unknown (only a parent can read it)");
        JrunCli.Result gc = ok("gc", "--grace-period", "0");
        assertThat(gc.stdout()).isEqualTo("removed " + pod.uuid + "\n");
        pod.assertGone("gc");
    }

    @Test
    void stopEndsAnAbandonedPodWithItsStopSignalThenSigkillAndRecordsThatTheCodeIsUnknown() throws Exception {
        Abandoned graceful = abandonedPod(STOPS_ON_TERM);
        assertThat(ok("stop", graceful.uuid).stdout()).isEqualTo(graceful.uuid + "\n");
        assertThat(graceful.shared.resolve("stopped")).as("the app's TERM trap ran").hasContent("TERM");
        ProcessHandle.of(graceful.app).ifPresent(p -> p.onExit().join());
        assertThat(ProcessHandle.of(graceful.app)).as("the app has ended").isEmpty();
        assertThat(status(graceful.uuid, "state")).isEqualTo("exited");
        assertThat(status(graceful.uuid, "exit-code")).isEqualTo("unknown");
        assertThat(status(graceful.uuid, "reason")).isEqualTo("abandoned");
        assertThat(status(graceful.uuid, "message")).isEqualTo("its jrun died while the app ran; jrun stop sent SIGTERM:"
                + " the exit code is unknown (only a parent can read it)");
        JsonNode listed = JSON.readTree(ok("list", "--format", "json").stdout()).get(0);
        assertThat(listed.get("reason").asText()).isEqualTo("abandoned");
        assertThat(listed.get("exitCode").isNull()).isTrue();
        assertThat(ok("list").stdout()).contains("exited (abandoned)").contains("unknown");

        // pid 1 that ignores SIGTERM: SIGKILL once --timeout has passed
        Abandoned stubborn = abandonedPod("trap '' TERM; touch /shared/ready; while :; do sleep 0.1; done");
        ok("stop", "--timeout", "1s", stubborn.uuid);
        ProcessHandle.of(stubborn.app).ifPresent(p -> p.onExit().join());
        assertThat(status(stubborn.uuid, "message")).isEqualTo("its jrun died while the app ran; jrun stop sent SIGTERM,"
                + " and SIGKILL after 1s: the exit code is unknown (only a parent can read it)");
        assertThat(ok("stop", stubborn.uuid).stdout()).as("stopped again: left as it is").isEqualTo(stubborn.uuid + "\n");

        ok("rm", graceful.uuid, stubborn.uuid);
        graceful.assertGone("stop and rm");
        stubborn.assertGone("stop and rm");
    }

    @Test
    void rmRefusesAnAbandonedPodWhoseAppRunsAndForceEndsItAndItsCgroup() throws Exception {
        Abandoned pod = abandonedPod(STOPS_ON_TERM);
        JrunCli.Result refused = jrun.run("rm", pod.uuid);
        assertThat(refused.exitCode()).isEqualTo(125);
        assertThat(refused.stderr()).isEqualTo("jrun: pod " + pod.uuid + " was abandoned by its jrun and its app still runs:"
                + " stop it first (jrun stop), or pass --force\n");
        assertThat(ProcessHandle.of(pod.app)).as("refused: the app runs on").isPresent();
        assertThat(pod.dir).exists();
        ok("rm", "--force", pod.uuid);
        pod.assertGone("rm --force");
    }

    /** A StopSignal handler that leaves its mark in the volume. */
    private static final String STOPS_ON_TERM =
            "trap 'echo TERM > /shared/stopped; exit 5' TERM; touch /shared/ready; while :; do sleep 0.1; done";

    /** A detached pod running {@code script} whose supervisor was SIGKILLed: its app runs on, in its cgroup. */
    private Abandoned abandonedPod(String script) throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared-" + System.nanoTime()));
        String uuid = ok("run", "-d", "-v", shared + ":/shared", busybox, "sh", "-c", script).stdout().strip();
        Path pod = state.resolve("pods/run").resolve(uuid);
        long app = JSON.readTree(pod.resolve("pid.json").toFile()).get("pid").asLong();
        Path cgroup = Path.of(Files.readString(pod.resolve("cgroup")).strip());
        assertThat(Files.readAllLines(cgroup.resolve("cgroup.procs"))).contains(Long.toString(app));
        for (int i = 0; i < 6000 && !Files.exists(shared.resolve("ready")); i++) {
            Thread.sleep(10); // its trap is set
        }
        assertThat(shared.resolve("ready")).as("written by the app").exists();
        long supervisor = Long.parseLong(Files.readString(pod.resolve("conmon.pid")).strip()); // conmon's
        assertThat(ProcessHandle.of(app).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).hasValue(supervisor);
        ProcessHandle.of(supervisor).orElseThrow().destroyForcibly();
        ProcessHandle.of(supervisor).ifPresent(p -> p.onExit().join());
        return new Abandoned(uuid, pod, app, cgroup, shared);
    }

    private record Abandoned(String uuid, Path dir, long app, Path cgroup, Path shared) {
        void assertGone(String by) {
            ProcessHandle.of(app).ifPresent(p -> p.onExit().join());
            assertThat(ProcessHandle.of(app)).as(by + " ended the abandoned app").isEmpty();
            assertThat(dir).doesNotExist();
            assertThat(cgroup).as(by + " removed the pod's cgroup").doesNotExist();
        }
    }

    @Test
    void gcMarksFirstAndSweepsAfterTheGracePeriod() throws Exception {
        ok("run", "--name", "old", busybox, "true");
        String uuid = JSON.readTree(ok("list", "--format", "json").stdout()).get(0).get("uuid").asText();
        assertThat(ok("gc", "--mark-only").stdout()).isEqualTo("marked " + uuid + "\n");
        assertThat(status("old", "state")).isEqualTo("garbage");
        assertThat(ok("gc").stdout()).as("within the default grace period of 30m").isEmpty();
        assertThat(ok("gc", "--grace-period", "0s").stdout()).isEqualTo("removed " + uuid + "\n");
        assertThat(jrun.run("status", "old").exitCode()).isEqualTo(125);
        assertThat(state.resolve("pods/names/old")).doesNotExist();
    }

    @Test
    void fiftyConcurrentRunsWithListAndGcRunningMeanwhile() throws Exception {
        int runs = 50;
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        AtomicBoolean done = new AtomicBoolean();
        List<String> churnFailures = new ArrayList<>();
        Thread churn = Thread.ofPlatform().start(() -> {
            try {
                while (!done.get()) {
                    for (String[] args : new String[][] {{"list", "--format", "json"}, {"gc", "--grace-period", "0"}}) {
                        JrunCli.Result r = jrun.run(args);
                        if (r.exitCode() != 0) {
                            synchronized (churnFailures) {
                                churnFailures.add(String.join(" ", args) + ": " + r);
                            }
                        } else if (args[0].equals("list")) {
                            JSON.readTree(r.stdout()); // always a whole document
                        }
                    }
                }
            } catch (Exception e) {
                synchronized (churnFailures) {
                    churnFailures.add(e.toString());
                }
            }
        });
        try {
            List<Future<JrunCli.Result>> results = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                int code = i % 7;
                results.add(pool.submit(() -> jrun.run("run", busybox, "sh", "-c", "echo run; exit " + code)));
            }
            for (int i = 0; i < runs; i++) {
                JrunCli.Result r = results.get(i).get();
                assertThat(r.exitCode()).as("run " + i + ": " + r).isEqualTo(i % 7);
                assertThat(r.stdout()).isEqualTo("run\n");
            }
        } finally {
            done.set(true);
            churn.join();
            pool.shutdown();
        }
        assertThat(churnFailures).isEmpty();
        // consistent: every pod that gc has not collected yet reads as exited with a recorded code
        for (JsonNode pod : JSON.readTree(ok("list", "--format", "json").stdout())) {
            assertThat(pod.get("state").asText()).isIn("exited", "garbage");
            assertThat(pod.get("exitCode").isInt()).as(pod.toString()).isTrue();
        }
        assertThat(ok("image", "inspect", busybox).stdout()).contains("diff_ids");
    }
}
