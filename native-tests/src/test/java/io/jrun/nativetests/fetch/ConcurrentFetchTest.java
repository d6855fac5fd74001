package io.jrun.nativetests.fetch;

import io.jrun.images.oci.Digest;
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
    void concurrentFetchesOfOneImageBothSucceed(@TempDir Path state) throws Exception {
        JrunCli jrun = new JrunCli(state);
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path output = work.resolve("concurrent-" + System.nanoTime() + ".log");
            outputs.add(output);
            processes.add(jrun.command("fetch", "--insecure-registry", addr, addr + "/test/busybox:latest")
                    .redirectOutput(output.toFile()).redirectErrorStream(true).start());
        }
        // gc at the same time must neither break the fetches nor remove what they fetched.
        JrunCli.Result gc = jrun.run("image", "gc");
        assertThat(gc.exitCode()).as(gc.toString()).isZero();
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as("fetch %d: %s", i, Files.readString(outputs.get(i))).isZero();
        }
        StoreState store = new StoreState(state);
        store.assertConsistent();
        assertThat(store.names()).containsExactly(addr + "/test/busybox:latest");
        assertThat(store.layerDirs()).hasSize(4);
        assertThat(store.workAreas()).isEmpty();
        assertThat(jrun.run("image", "gc").exitCode()).isZero();
        assertThat(store.layerDirs()).hasSize(4);
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
