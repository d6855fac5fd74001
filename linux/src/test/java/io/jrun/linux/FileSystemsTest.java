package io.jrun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole-file-system operations against the real kernel; e2fsprogs' lsattr is the witness. */
class FileSystemsTest {
    @TempDir
    Path dir;

    @Test
    void spreadSubdirectoriesSetsTheTopDirFlagOnExt4AndIsABestEffortElsewhere() throws Exception {
        String type = run("stat", "-f", "-c", "%T", dir.toString()).strip();
        if (!type.equals("ext2/ext3")) {
            throw new AssertionError("this test needs the build directory on ext4 (it is on " + type + ")");
        }
        assertThat(flags(dir)).doesNotContain("T");
        assertThat(FileSystems.spreadSubdirectories(dir)).isTrue();
        assertThat(flags(dir)).contains("T");
        assertThat(FileSystems.spreadSubdirectories(dir)).as("again: already set").isTrue();
        assertThat(flags(dir)).contains("T");

        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "jrun-fs-test");
        try {
            assertThat(run("stat", "-f", "-c", "%T", shm.toString()).strip()).isEqualTo("tmpfs");
            assertThat(FileSystems.spreadSubdirectories(shm)).as("tmpfs has no such flag").isFalse();
        } finally {
            Files.delete(shm);
        }
        assertThatThrownBy(() -> FileSystems.spreadSubdirectories(dir.resolve("missing")))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }

    /** lsattr's flag letters for the directory itself. */
    private static String flags(Path path) throws IOException, InterruptedException {
        return run("lsattr", "-d", path.toString()).split(" ")[0];
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
