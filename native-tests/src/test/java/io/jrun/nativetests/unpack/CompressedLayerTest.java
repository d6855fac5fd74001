package io.jrun.nativetests.unpack;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrun.images.layer.Compression;
import io.jrun.images.layer.LayerUnpacker;
import io.jrun.images.layer.UnpackStats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers compressed by the real gzip and zstd tools, unpacked through Compression. */
class CompressedLayerTest {
    @TempDir
    Path dir;

    private Path layerTar() throws IOException {
        byte[] big = new byte[5 * 1024 * 1024 + 3];
        new Random(1).nextBytes(big);
        TarBuilder tar = new TarBuilder().dir("data", 0755, 0, 0).file("data/big", big);
        for (int i = 0; i < 200; i++) {
            tar.file("data/small-" + i, "content " + i + "\n".repeat(i));
        }
        return Files.write(dir.resolve("layer.tar"), tar.build());
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }

    private void unpackAndCheck(Path compressed, Compression compression) throws Exception {
        Path root = Files.createDirectory(dir.resolve("root-" + compression));
        UnpackStats stats;
        try (InputStream in = compression.decompress(Files.newInputStream(compressed))) {
            stats = new LayerUnpacker().unpack(in, root);
        }
        assertThat(stats.entries()).isEqualTo(202);
        assertThat(Files.mismatch(root.resolve("data/big"), dir.resolve("expected/data/big"))).isEqualTo(-1L);
        assertThat(Files.readString(root.resolve("data/small-7"))).isEqualTo("content 7" + "\n".repeat(7));
    }

    @Test
    void zstdFromTheZstdTool() throws Exception {
        Path tar = layerTar();
        extractExpected(tar);
        run("zstd", "-q", "-3", "--no-progress", tar.toString(), "-o", dir.resolve("layer.tar.zst").toString());
        unpackAndCheck(dir.resolve("layer.tar.zst"), Compression.ZSTD);
    }

    @Test
    void concatenatedGzipMembersFromTheGzipTool() throws Exception {
        Path tar = layerTar();
        extractExpected(tar);
        // split the tar and gzip each half: a valid gzip file of two members (as pigz may write)
        byte[] bytes = Files.readAllBytes(tar);
        int half = bytes.length / 2;
        Files.write(dir.resolve("a"), java.util.Arrays.copyOfRange(bytes, 0, half));
        Files.write(dir.resolve("b"), java.util.Arrays.copyOfRange(bytes, half, bytes.length));
        run("gzip", "-n", dir.resolve("a").toString(), dir.resolve("b").toString());
        Path gz = dir.resolve("layer.tar.gz");
        Files.write(gz, Files.readAllBytes(dir.resolve("a.gz")));
        Files.write(gz, Files.readAllBytes(dir.resolve("b.gz")), java.nio.file.StandardOpenOption.APPEND);
        unpackAndCheck(gz, Compression.GZIP);
    }

    private void extractExpected(Path tar) throws Exception {
        Files.createDirectory(dir.resolve("expected"));
        run("tar", "-xf", tar.toString(), "-C", dir.resolve("expected").toString());
    }
}
