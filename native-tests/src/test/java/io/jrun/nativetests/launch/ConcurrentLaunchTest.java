package io.jrun.nativetests.launch;

import io.jrun.images.FetchOptions;
import io.jrun.images.fetch.FetchListener;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.runtime.Pods;
import io.jrun.runtime.RunningPod;
import io.jrun.runtime.cgroup.CgroupException;
import io.jrun.runtime.cgroup.CgroupNamespaces;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.prepare.RunRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Launches that overlap in one JVM, as an embedding application makes them (issue 14): the
 * JVM's own threads never leave its cgroup, not even for a moment, while 16 pods start from 8
 * threads at once; and every app still runs in its own pod's cgroup, which its cgroup namespace
 * shows as its root.
 */
class ConcurrentLaunchTest {
    private static final int PODS = 16, THREADS = 8;

    @TempDir
    Path state;
    @TempDir
    Path outputs;

    @Test
    void sixteenPodsFromEightThreadsWhileTheJvmStaysInItsOwnCgroup() throws Exception {
        Pods pods = Pods.open(state);
        String image = pods.images().fetch("oci:" + TestImages.layout("busybox") + ":latest", FetchOptions.defaults(),
                FetchListener.SILENT).name();
        Path self = Path.of("/proc/self/cgroup");
        String home = Files.readString(self);

        // a watcher reads this JVM's cgroups as fast as it can for as long as launches run: a
        // launch that moved the JVM (its pid written to a pod's cgroup.procs moves every thread)
        // shows there as a different line for the unified hierarchy
        AtomicBoolean launching = new AtomicBoolean(true);
        AtomicReference<String> elsewhere = new AtomicReference<>();
        AtomicLong looks = new AtomicLong();
        Thread watcher = Thread.ofPlatform().name("cgroup-watcher").start(() -> {
            try {
                while (launching.get()) {
                    String now = Files.readString(self);
                    looks.incrementAndGet();
                    if (!now.equals(home)) {
                        elsewhere.compareAndSet(null, now);
                    }
                }
            } catch (Exception e) {
                elsewhere.compareAndSet(null, "cannot read " + self + ": " + e);
            }
        });

        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> runs = new ArrayList<>();
        List<String> results = new ArrayList<>();
        try {
            for (int i = 0; i < PODS; i++) {
                Path output = outputs.resolve("pod-" + i);
                runs.add(threads.submit(() -> {
                    go.await();
                    RunningPod pod = pods.run(RunRequest.builder(image).command("cat", "/proc/self/cgroup")
                            .removeOnExit(true).build(), Stdio.toFile(output));
                    int code = pod.waitForExit();
                    // the unified hierarchy's line (a hybrid host lists its v1 hierarchies too)
                    return code + " " + Files.readAllLines(output).stream().filter(l -> l.startsWith("0::"))
                            .findFirst().orElse("no 0:: line in " + Files.readString(output));
                }));
            }
            go.countDown();
            for (Future<String> run : runs) {
                results.add(run.get(10, TimeUnit.MINUTES));
            }
        } finally {
            threads.shutdownNow();
            launching.set(false);
            watcher.join();
        }
        assertThat(elsewhere.get()).as("this JVM's /proc/self/cgroup while pods launched (it read %s at start)", home)
                .isNull();
        assertThat(looks.get()).as("the watcher's reads").isGreaterThan(PODS);
        assertThat(results).as("exit code and /proc/self/cgroup of each app").hasSize(PODS).containsOnly("0 0::/");
        assertThat(pods.list()).as("pods left (all ran with --rm)").isEmpty();
    }

    @Test
    void aCgroupNamespaceForACgroupThatIsNotThereFailsInOneLineSayingWhy() {
        Path missing = state.resolve("no-such-cgroup");
        assertThatThrownBy(() -> CgroupNamespaces.rootedAt(missing)).isInstanceOf(CgroupException.class)
                .message().startsWith("cannot make the pod's cgroup namespace in " + missing + ": ")
                .contains("cgroup.procs").doesNotContain("\n");
    }
}
