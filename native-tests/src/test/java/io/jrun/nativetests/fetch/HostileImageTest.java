package io.jrun.nativetests.fetch;

import io.jrun.images.oci.Digest;
import io.jrun.nativetests.harness.RegistryServer;
import io.jrun.nativetests.harness.Tools;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile images served by a real registry: each is refused with one line naming the bad
 * entry, nothing is written outside the store, and the store keeps nothing of it.
 */
class HostileImageTest {
    /** Outside every store; a layer that escapes would write here. */
    static final Path SENTINEL = Path.of("/tmp/jrun-hostile-sentinel");

    @TempDir
    static Path work;
    static RegistryServer registry;

    @BeforeAll
    static void startRegistry() {
        Tools.require("docker-registry");
        registry = RegistryServer.plain(work.resolve("registry"));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void emptySentinel() throws Exception {
        Tools.deleteTree(SENTINEL);
        Files.createDirectories(SENTINEL);
    }

    @AfterEach
    void removeSentinel() {
        Tools.deleteTree(SENTINEL);
    }

    static Stream<Arguments> hostileLayers() {
        return Stream.of(
                Arguments.of("parent-traversal", "../escape.txt", (Consumer<TarArchiveOutputStream>) tar ->
                        RawImage.file(tar, "../escape.txt", RawImage.utf8("x"))),
                Arguments.of("absolute-name", "/etc/jrun-pwned", (Consumer<TarArchiveOutputStream>) tar ->
                        RawImage.file(tar, "/etc/jrun-pwned", RawImage.utf8("x"))),
                Arguments.of("absolute-symlink-then-write", "escape/pwned.txt", (Consumer<TarArchiveOutputStream>) tar -> {
                    RawImage.entry(tar, "escape", TarArchiveEntry.LF_SYMLINK, SENTINEL.toString());
                    RawImage.file(tar, "escape/pwned.txt", RawImage.utf8("x"));
                }),
                Arguments.of("relative-symlink-then-write", "up/tmp/jrun-hostile-sentinel/pwned.txt",
                        (Consumer<TarArchiveOutputStream>) tar -> {
                            RawImage.entry(tar, "up", TarArchiveEntry.LF_SYMLINK, "../../../../../../../../..");
                            RawImage.file(tar, "up/tmp/jrun-hostile-sentinel/pwned.txt", RawImage.utf8("x"));
                        }),
                Arguments.of("hardlink-out", "passwd-link", (Consumer<TarArchiveOutputStream>) tar ->
                        RawImage.entry(tar, "passwd-link", TarArchiveEntry.LF_LINK, "../../../../../../etc/passwd")),
                Arguments.of("whiteout-of-parent", "a/.wh..", (Consumer<TarArchiveOutputStream>) tar -> {
                    RawImage.entry(tar, "a", TarArchiveEntry.LF_DIR, null);
                    RawImage.file(tar, "a/.wh..", new byte[0]);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileLayers")
    void hostileLayerIsRefusedAndLeavesNothing(String repo, String entry, Consumer<TarArchiveOutputStream> layer,
                                              @TempDir Path state) throws Exception {
        new RawImage().layer(tar -> RawImage.file(tar, "fine.txt", RawImage.utf8("fine"))).layer(layer)
                .push(registry, "hostile/" + repo, "latest");
        JrunCli.Result r = new JrunCli(state).run("fetch", "--insecure-registry", registry.address(),
                registry.address() + "/hostile/" + repo + ":latest");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        assertThat(r.stderr()).startsWith("jrun: ").contains(entry);
        assertThat(r.stderr().strip().lines()).as("one line").hasSize(1);
        try (Stream<Path> s = Files.list(SENTINEL)) {
            assertThat(s).as("nothing written outside the store").isEmpty();
        }
        assertThat(Path.of("/etc/jrun-pwned")).doesNotExist();
        StoreState store = new StoreState(state);
        assertThat(store.names()).isEmpty();
        assertThat(store.workAreas()).isEmpty();
        assertThat(store.blobs()).isEmpty();
        store.assertConsistent();
    }

    @Test
    void layerWhoseContentDoesNotMatchItsDiffIdIsRefused(@TempDir Path state) throws Exception {
        new RawImage().layer(tar -> RawImage.file(tar, "a.txt", RawImage.utf8("real content")))
                .lyingDiffId(Digest.sha256(RawImage.utf8("something else")))
                .push(registry, "hostile/lying-diff-id", "latest");
        JrunCli.Result r = new JrunCli(state).run("fetch", "--insecure-registry", registry.address(),
                registry.address() + "/hostile/lying-diff-id:latest");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).startsWith("jrun: ").contains("digest");
        StoreState store = new StoreState(state);
        assertThat(store.layerDirs()).isEmpty();
        assertThat(store.names()).isEmpty();
        assertThat(store.workAreas()).isEmpty();
    }

    @Test
    void goodLayersOfARefusedImageAreNotKeptHalfWay(@TempDir Path state) throws Exception {
        // The good first layer may be complete when the second is refused: if it is kept, it
        // is kept whole (layer.json present), never half-unpacked.
        new RawImage().layer(tar -> RawImage.file(tar, "ok.txt", RawImage.utf8("ok")))
                .layer(tar -> RawImage.file(tar, "../bad.txt", RawImage.utf8("x")))
                .push(registry, "hostile/half", "latest");
        JrunCli.Result r = new JrunCli(state).run("fetch", "--insecure-registry", registry.address(),
                registry.address() + "/hostile/half:latest");
        assertThat(r.exitCode()).isEqualTo(125);
        StoreState store = new StoreState(state);
        store.assertConsistent();
        assertThat(store.names()).isEmpty();
        JrunCli.Result gc = new JrunCli(state).run("image", "gc");
        assertThat(gc.exitCode()).isZero();
        assertThat(store.layerDirs()).as("gc removes layers no image uses").isEmpty();
    }
}
