package io.jrun.nativetests.api;

import io.jrun.api.App;
import io.jrun.api.Container;
import io.jrun.api.Jrun;
import io.jrun.api.JrunException;
import io.jrun.api.Pod;
import io.jrun.api.PullPolicy;
import io.jrun.api.Result;
import io.jrun.api.VolumeMode;
import io.jrun.nativetests.harness.DerivedImage;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.runtime.AppPods;
import io.jrun.runtime.Pods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The public API (io.jrun.api) against the real kernel, with the busybox test image: output,
 * exit codes, volumes, stop through the image's StopSignal, exec, pods of several apps, and
 * that closing leaves nothing behind, from one thread and from eight at once.
 *
 * <p>The containers start in this JVM, so the HostLeftAsItWas extension (whose subreaper
 * would reap them) is not on; each test checks the host itself once its containers are closed.
 */
class JrunApiTest {
    @TempDir
    static Path state;
    @TempDir
    static Path images;
    static Jrun jrun;
    static String busybox;
    /** busybox with StopSignal SIGUSR1. */
    static String usr1Image;

    @TempDir
    Path dir;
    private String mountsBefore;

    @BeforeAll
    static void open() throws Exception {
        jrun = Jrun.open(state);
        busybox = jrun.pull("oci:" + TestImages.layout("busybox") + ":latest").name();
        Path derived = DerivedImage.withConfig(TestImages.layout("busybox"), images.resolve("usr1"),
                config -> config.put("StopSignal", "SIGUSR1"));
        usr1Image = jrun.pull("oci:" + derived + ":latest").name();
    }

    @AfterAll
    static void close() throws Exception {
        jrun.close();
    }

    @BeforeEach
    void recordMounts() throws IOException {
        mountsBefore = Files.readString(Path.of("/proc/self/mountinfo"));
    }

    /** The host's mount table is as before the test, no process of it is left, and the state has no pod. */
    private void assertNothingLeft() throws Exception {
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).as("the host's mount table").isEqualTo(mountsBefore);
        HostLeftAsItWas.assertNoProcessLeft(600);
        Pods pods = Pods.open(state);
        assertThat(pods.list()).as("pods left in the state directory").isEmpty();
        assertThat(AppPods.of(pods).list()).as("pods of several apps left in the state directory").isEmpty();
    }

    @Test
    void theOutputOfAnAppIsReadThroughLogsWithItsExitCode() throws Exception {
        try (Container c = jrun.container(busybox).command("sh", "-c", "echo hello; echo oops >&2; exit 3").start()) {
            assertThat(c.waitFor()).isEqualTo(3);
            assertThat(c.exitCode()).isEqualTo(3);
            assertThat(c.isRunning()).isFalse();
            assertThat(c.logs()).isEqualTo("hello\noops\n");
        }
        Result once = jrun.container(busybox).command("echo", "hi").env("K", "V").run();
        assertThat(once).isEqualTo(new Result(0, "hi\n"));
        assertThat(jrun.container(busybox).command("sh", "-c", "echo $K").env("K", "from-api").run().output())
                .isEqualTo("from-api\n");
        assertNothingLeft();
    }

    @Test
    void aCommandThatIsNotFoundFailsStartWith127() throws Exception {
        assertThatThrownBy(() -> jrun.container(busybox).command("no-such-program").start())
                .isInstanceOfSatisfying(JrunException.class, e -> assertThat(e.exitCode()).isEqualTo(127))
                .message().contains("no-such-program").doesNotContain("\n");
        assertThatThrownBy(() -> jrun.container("oci:" + dir + ":nothing").pull(PullPolicy.NEVER).start())
                .isInstanceOf(JrunException.class)
                .hasMessage("no image 'oci:" + dir + ":nothing' in the store, and pull(PullPolicy.NEVER): fetch it first (Jrun.pull)");
        assertNothingLeft();
    }

    @Test
    void aReadOnlyVolumeIsReadButNotWritten() throws Exception {
        Path host = Files.createDirectories(dir.resolve("vol"));
        Files.writeString(host.resolve("in"), "from the host\n");
        Result ro = jrun.container(busybox).command("sh", "-c", "cat /data/in; echo x > /data/out")
                .volume(host, "/data", VolumeMode.READ_ONLY).run();
        assertThat(ro.exitCode()).as(ro.output()).isNotZero();
        assertThat(ro.output()).startsWith("from the host\n").contains("Read-only file system");
        assertThat(host.resolve("out")).doesNotExist();

        Result rw = jrun.container(busybox).command("sh", "-c", "echo x > /data/out")
                .volume(host, "/data", VolumeMode.READ_WRITE).run();
        assertThat(rw.exitCode()).as(rw.output()).isZero();
        assertThat(host.resolve("out")).hasContent("x");
        assertNothingLeft();
    }

    @Test
    void stopSendsTheImagesStopSignal() throws Exception {
        // pid 1 gets only signals it handles: SIGTERM would be ignored, and SIGKILL would end it with 137
        try (Container c = jrun.container(usr1Image).command("sh", "-c",
                "trap 'echo got USR1; exit 0' USR1; echo ready; while true; do sleep 1; done").start()) {
            awaitOutput(c, "ready\n");
            assertThat(c.isRunning()).isTrue();
            assertThatThrownBy(c::exitCode).isInstanceOf(IllegalStateException.class)
                    .hasMessage("container " + c.id() + " is still running: waitFor() it or stop() it first");
            assertThat(c.stop(Duration.ofMinutes(5))).as(c.logs()).isZero();
            assertThat(c.logs()).isEqualTo("ready\ngot USR1\n");
            assertThat(c.waitFor(Duration.ZERO)).isTrue();
        }
        assertNothingLeft();
    }

    private static void awaitOutput(Container c, String expected) throws Exception {
        while (!c.logs().equals(expected)) {
            assertThat(c.isRunning()).as("the app runs (its output: %s)", c.logs()).isTrue();
            Thread.sleep(10);
        }
    }

    @Test
    void execRunsACommandInTheRunningContainer() throws Exception {
        try (Container c = jrun.container(busybox).name("api-exec").hostname("apibox").command("sleep", "600").start()) {
            assertThat(c.name()).isEqualTo("api-exec");
            assertThat(c.exec("hostname")).isEqualTo(new Result(0, "apibox\n"));
            assertThat(c.exec("sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; exit 4"))
                    .as("the app's pid namespace").isEqualTo(new Result(4, "sleep 600 "));
            assertThatThrownBy(() -> c.exec("no-such-program")).isInstanceOfSatisfying(JrunException.class,
                    e -> assertThat(e.exitCode()).isEqualTo(127));
            assertThat(c.waitFor(Duration.ZERO)).as("still running after the execs").isFalse();
        }
        assertNothingLeft();
    }

    @Test
    void closeStopsAndRemovesWhateverWasStartedAndJrunClosesWhatIsLeft() throws Exception {
        Path other = dir.resolve("state");
        Container left;
        Pod pod;
        try (Jrun own = Jrun.open(other)) {
            own.pull("oci:" + TestImages.layout("busybox") + ":latest");
            try (Container c = own.container(busybox).command("sleep", "600").start()) {
                assertThat(c.isRunning()).isTrue();
            }
            assertThat(Pods.open(other).list()).as("pods once the container is closed").isEmpty();
            left = own.container(busybox).command("sleep", "600").start();
            pod = own.pod("left").app(App.of("a", busybox).command("sleep", "600")).start();
        }
        assertThat(left.isRunning()).isFalse();
        assertThat(pod.isRunning()).isFalse();
        assertThatThrownBy(left::logs).isInstanceOf(IllegalStateException.class)
                .hasMessage("container " + left.id() + " is closed (removed)");
        Pods pods = Pods.open(other);
        assertThat(pods.list()).as("pods left by Jrun.close()").isEmpty();
        assertThat(AppPods.of(pods).list()).as("pods of several apps left by Jrun.close()").isEmpty();
        assertNothingLeft();
    }

    @Test
    void aPodsAppsShareTheirHostNameAndEachHasItsOwnOutput() throws Exception {
        try (Pod pod = jrun.pod("api-pod").hostname("shared")
                .app(App.of("first", busybox).command("sh", "-c", "echo one; exec sleep 600"))
                .app(App.of("second", busybox).command("sh", "-c", "echo two; exec sleep 600"))
                .start()) {
            assertThat(pod.exec("second", "hostname")).isEqualTo(new Result(0, "shared\n"));
            assertThat(pod.exec("first", "hostname")).isEqualTo(new Result(0, "shared\n"));
            while (pod.logs("first").isEmpty() || pod.logs("second").isEmpty()) {
                Thread.sleep(10);
            }
            assertThat(pod.logs("first")).isEqualTo("one\n");
            assertThat(pod.logs("second")).isEqualTo("two\n");
            assertThatThrownBy(() -> pod.logs("third")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("pod api-pod has no app 'third': its apps are first, second");
            assertThat(pod.stop(Duration.ZERO)).as("killed").isEqualTo(137);
        }
        try (Pod done = jrun.pod("api-init").app(App.of("setup", busybox).command("true").init())
                .app(App.of("main", busybox).command("sh", "-c", "exit 5")).start()) {
            assertThat(done.waitFor()).isEqualTo(5);
        }
        assertThatThrownBy(() -> jrun.pod("api-failing").app(App.of("setup", busybox).command("sh", "-c", "echo no db; exit 7").init())
                .app(App.of("main", busybox).command("true")).start())
                .isInstanceOfSatisfying(JrunException.class, e -> assertThat(e.exitCode()).isEqualTo(7))
                .hasMessage("an init app of pod api-failing exited with 7: its other apps were not started;"
                        + " init app setup wrote: no db");
        assertThatThrownBy(() -> jrun.pod("api-missing").app(App.of("main", busybox).command("no-such-program")).start())
                .isInstanceOfSatisfying(JrunException.class, e -> assertThat(e.exitCode()).isEqualTo(127))
                .message().contains("no-such-program");
        assertNothingLeft();
    }

    @Test
    void eightThreadsRunTwoContainersEachAtOnce() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Result>>> runs = new ArrayList<>();
        try {
            for (int t = 0; t < 8; t++) {
                String thread = "thread-" + t;
                runs.add(threads.submit(() -> {
                    go.await();
                    try (Container a = jrun.container(busybox).command("echo", thread, "a").start();
                         Container b = jrun.container(busybox).command("echo", thread, "b").start()) {
                        a.waitFor();
                        b.waitFor();
                        return List.of(new Result(a.exitCode(), a.logs()), new Result(b.exitCode(), b.logs()));
                    }
                }));
            }
            go.countDown();
            List<Result> results = new ArrayList<>();
            for (Future<List<Result>> run : runs) {
                results.addAll(run.get());
            }
            List<Result> expected = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                expected.add(new Result(0, "thread-" + t + " a\n"));
                expected.add(new Result(0, "thread-" + t + " b\n"));
            }
            assertThat(results).containsExactlyElementsOf(expected);
        } finally {
            threads.shutdownNow();
        }
        assertNothingLeft();
    }
}
