package io.jrun.nativetests.fetch;

import io.jrun.images.oci.Digest;
import io.jrun.images.store.ImageStore;
import io.jrun.images.store.StoreLock;
import io.jrun.nativetests.harness.RegistryServer;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.nativetests.harness.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Several jrun processes on one store, and a fetch killed with SIGKILL half-way. */
class ConcurrentFetchTest {
    private static final int BIG_FILES = 24;
    private static final int BIG_FILE_SIZE = 4 << 20;

    @TempDir
    static Path work;
    static RegistryServer registry;
    static String addr;
    static List<byte[]> bigFiles = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker-registry", "skopeo");
        registry = RegistryServer.plain(work.resolve("registry"));
        addr = registry.address();
        registry.push(TestImages.layout("busybox"), "latest", "test/busybox:latest");
        // ~96 MiB of incompressible data: a fetch that takes long enough to be killed half-way.
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < BIG_FILES; i++) {
            byte[] data = new byte[BIG_FILE_SIZE];
            random.nextBytes(data);
            bigFiles.add(data);
        }
        new RawImage().layer(tar -> {
            for (int i = 0; i < BIG_FILES; i++) {
                RawImage.file(tar, "big/file-" + i, bigFiles.get(i));
            }
        }).push(registry, "test/big", "latest");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void concurrentFetchesOfOneImageAndAGcMeanwhileAllSucceed(@TempDir Path state) throws Exception {
        JrunCli jrun = new JrunCli(state);
        StoreState store = new StoreState(state);
        // The gate: this test holds every layer's lock, so each fetch stops at the image's layers with
        // its work area made and the store lock held shared. Left to themselves three fetches of a
        // small image, each behind a JVM's start, may as well run one after another.
        ImageStore images = ImageStore.open(state);
        List<StoreLock.Held> gate = new ArrayList<>();
        for (Digest diffId : TestImages.diffIds("busybox")) {
            gate.add(images.lockLayer(diffId));
        }
        List<Process> fetches = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        Process gc = null;
        try {
            for (int i = 0; i < 3; i++) {
                Path output = work.resolve("concurrent-" + System.nanoTime() + ".log");
                outputs.add(output);
                fetches.add(jrun.command("fetch", "--insecure-registry", addr, addr + "/test/busybox:latest")
                        .redirectOutput(output.toFile()).redirectErrorStream(true).start());
            }
            List<Long> fetchPids = fetches.stream().map(Process::pid).toList();
            awaitLocks(state, "the three fetches in flight at once, each holding the store lock shared and a work area",
                    () -> storeLock(state, false).containsAll(fetchPids) && store.workAreas().size() == 3, fetches);
            // gc meanwhile must neither break the fetches nor remove what they fetched: it waits for them
            gc = jrun.command("image", "gc").redirectOutput(work.resolve("gc.log").toFile()).redirectErrorStream(true).start();
            long gcPid = gc.pid();
            awaitLocks(state, "gc waiting for the store lock while the fetches hold it",
                    () -> storeLock(state, true).contains(gcPid), List.of(gc));
            assertThat(store.layerDirs()).as("nothing fetched yet: every layer is behind the gate").isEmpty();
        } finally {
            for (StoreLock.Held held : gate) {
                held.close();
            }
        }
        for (int i = 0; i < fetches.size(); i++) {
            Process p = fetches.get(i);
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as("fetch %d: %s", i, Files.readString(outputs.get(i))).isZero();
        }
        assertThat(gc.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(gc.exitValue()).as(Files.readString(work.resolve("gc.log"))).isZero();
        store.assertConsistent();
        assertThat(store.names()).containsExactly(addr + "/test/busybox:latest");
        assertThat(store.layerDirs()).hasSize(4);
        assertThat(store.workAreas()).isEmpty();
        assertThat(jrun.run("image", "gc").exitCode()).isZero();
        assertThat(store.layerDirs()).hasSize(4);
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Waits until {@code condition} holds, looking up to 3000 times 20 ms apart; fails with
     * /proc/locks' lines for the store lock (and the processes' state) when it never does.
     */
    private static void awaitLocks(Path state, String what, Condition condition, List<Process> processes) throws Exception {
        for (int i = 0; i < 3000; i++) {
            if (condition.holds()) {
                return;
            }
            if (processes.stream().anyMatch(p -> !p.isAlive())) {
                break; // one ended before it could be seen waiting: the assertion below says so
            }
            Thread.sleep(20);
        }
        throw new AssertionError("never saw " + what + ": /proc/locks for the store lock: " + storeLockLines(state)
                + "; processes " + processes.stream().map(p -> p.pid() + (p.isAlive() ? " running" : " exited " + p.exitValue())).toList());
    }

    /** The pids holding the store lock, or with {@code waiting} those blocked on it, from /proc/locks. */
    private static List<Long> storeLock(Path state, boolean waiting) throws Exception {
        List<Long> pids = new ArrayList<>();
        for (String line : storeLockLines(state)) {
            String[] f = line.split("\\s+");
            boolean blocked = f[1].equals("->");
            if (blocked == waiting) {
                pids.add(Long.parseLong(f[blocked ? 5 : 4]));
            }
        }
        return pids;
    }

    /**
     * /proc/locks' lines for store.lock: a holder reads {@code "1: FLOCK  ADVISORY  READ PID MAJ:MIN:INODE 0 EOF"},
     * a waiter {@code "2: -> FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE 0 EOF"}.
     */
    private static List<String> storeLockLines(Path state) throws Exception {
        List<String> lines = new ArrayList<>();
        Path storeLock = state.resolve("images/store.lock");
        if (!Files.exists(storeLock)) {
            return lines; // no jrun has taken it yet
        }
        String inode = ":" + Files.getAttribute(storeLock, "unix:ino");
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] f = line.trim().split("\\s+");
            int at = f.length > 1 && f[1].equals("->") ? 6 : 5;
            if (f.length > at && f[at].endsWith(inode)) {
                lines.add(line.trim());
            }
        }
        return lines;
    }

    @Test
    void fetchKilledHalfWayLeavesNothingVisibleAndTheNextFetchCompletes(@TempDir Path state) throws Exception {
        JrunCli jrun = new JrunCli(state);
        StoreState store = new StoreState(state);
        Process fetch = jrun.command("fetch", "--insecure-registry", addr, addr + "/test/big:latest")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        boolean sawPartialLayer = false;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (fetch.isAlive() && System.nanoTime() < deadline) {
            if (partialLayerInWorkArea(store)) {
                sawPartialLayer = true;
                break;
            }
            Thread.sleep(2);
        }
        fetch.destroyForcibly(); // SIGKILL
        fetch.waitFor();
        assertThat(sawPartialLayer).as("the fetch was killed while a layer was half unpacked").isTrue();

        store.assertConsistent();
        assertThat(store.names()).isEmpty();
        assertThat(store.layerDirs()).as("no half-written layer under a final name").isEmpty();
        assertThat(store.workAreas()).as("the killed fetch's work area is left, abandoned").isNotEmpty();

        JrunCli.Result again = jrun.run("fetch", "--insecure-registry", addr, addr + "/test/big:latest");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        store.assertConsistent();
        assertThat(store.workAreas()).as("the next fetch removed the abandoned work area").isEmpty();
        Path root = store.layerRootContaining("big/file-0");
        for (int i = 0; i < BIG_FILES; i++) {
            assertThat(Digest.sha256(Files.readAllBytes(root.resolve("big/file-" + i))))
                    .isEqualTo(Digest.sha256(bigFiles.get(i)));
        }
    }

    /** A work area holding a layer whose unpacking has begun (some file written). */
    private static boolean partialLayerInWorkArea(StoreState store) throws Exception {
        for (Path area : store.workAreas()) {
            try (Stream<Path> layers = Files.list(area)) {
                for (Path layer : layers.toList()) {
                    if (Files.exists(layer.resolve("rootfs/big/file-0"))) {
                        return true;
                    }
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // the area went away between listing and reading
            }
        }
        return false;
    }
}
