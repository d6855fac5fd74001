package io.jrun.nativetests.fetch;

import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.nativetests.harness.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A state directory jrun cannot use fails in one line naming the problem and its fix, and
 * leaves nothing behind: an empty --dir, a file, a read-only file system, a full disk. The
 * read-only and the full one are real tmpfs mounts of this test, unmounted after it.
 */
@ExtendWith(HostLeftAsItWas.class)
class StateDirErrorsTest {
    @TempDir
    Path dir;

    private static void mount(String options, Path target) throws Exception {
        Files.createDirectories(target);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", target.toString()).inheritIO().start();
        assertThat(p.waitFor()).as("mount -t tmpfs -o " + options + " " + target).isZero();
    }

    private static void umount(Path target) throws Exception {
        Process p = new ProcessBuilder("umount", target.toString()).inheritIO().start();
        assertThat(p.waitFor()).as("umount " + target).isZero();
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void anEmptyDirIsRefusedAndNothingIsMadeInTheWorkingDirectory() throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Path cwd = Files.createDirectory(dir.resolve("cwd"));
        Process p = new JrunCli(Path.of("")).command("list").directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isEqualTo(125);
        assertThat(Files.readString(err)).startsWith("jrun: Invalid value for option '--dir': the state directory is empty:"
                + " give a directory, or leave --dir and JRUN_DIR unset for /var/lib/jrun").hasLineCount(1);
        assertThat(entries(cwd)).as("nothing made in the working directory").isEmpty();
    }

    @Test
    void aDirThatIsAFileNamesTheFix() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        JrunCli.Result r = new JrunCli(file).run("list");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).endsWith(": Not a directory: part of that path is a file, not a directory:"
                + " give --dir (or JRUN_DIR) a directory\n").hasLineCount(1);
        assertThat(file).hasContent("x");
    }

    @Test
    void aReadOnlyDirNamesTheFix() throws Exception {
        Path readOnly = dir.resolve("ro");
        mount("ro,size=1m", readOnly);
        try {
            JrunCli.Result r = new JrunCli(readOnly).run("list");
            assertThat(r.exitCode()).isEqualTo(125);
            assertThat(r.stderr()).endsWith(": the state directory's file system is read-only: choose a writable --dir"
                    + " (or JRUN_DIR)\n").hasLineCount(1);
        } finally {
            umount(readOnly);
        }
    }

    @Test
    void aFullDiskDuringFetchNamesTheFixAndLeavesNoPartialLayer() throws Exception {
        Path small = dir.resolve("small");
        mount("size=600k", small); // busybox's layer does not fit, the small ones before it do
        try {
            JrunCli.Result r = new JrunCli(small).run("fetch", "-q", "oci:" + TestImages.layout("busybox") + ":latest");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
            assertThat(r.stderr()).contains("No space left on device").endsWith(": the disk is full: free space (jrun gc and"
                    + " jrun image gc remove unused pods and layers) and try again; the partly fetched layer was removed,"
                    + " whole ones are kept for the next try\n").hasLineCount(1);
            assertThat(entries(small.resolve("images/tmp"))).as("no work area left").isEmpty();
            try (Stream<Path> layers = Files.list(small.resolve("images/layers/sha256"))) {
                assertThat(layers.toList()).as("every layer left is whole").allSatisfy(l -> assertThat(l.resolve("layer.json")).exists());
            }
            assertThat(new JrunCli(small).run("image", "list").stdout()).as("no image recorded").doesNotContain("busybox");
        } finally {
            umount(small);
        }
    }
}
