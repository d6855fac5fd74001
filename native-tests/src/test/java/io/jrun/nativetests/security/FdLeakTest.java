package io.jrun.nativetests.security;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.DerivedImage;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.nativetests.harness.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * runc's CVE-2024-21626 class: no descriptor of jrun's reaches the container, and the working
 * directory cannot be a jrun descriptor's directory through /proc/self/fd/N. jrun holds
 * directory descriptors of the host while it spawns (the pod directory's lock, the root); a
 * working directory looked up in the spawned child, before its exec and after /proc is mounted,
 * could name one. jrun changes into the working directory by descriptor, opened inside the
 * root before the spawn, and refuses working directories in /proc.
 */
@ExtendWith(HostLeftAsItWas.class)
class FdLeakTest {
    @TempDir
    static Path state;
    @TempDir
    static Path images;
    static Containers containers;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        containers = Containers.open(state);
    }

    @AfterEach
    void noPodHalfMade() throws Exception {
        containers.assertNoPodHalfMade();
    }

    @Test
    void theAppHoldsOnlyItsStandardDescriptors() throws Exception {
        Path volume = Files.createDirectory(dir.resolve("volume"));
        List<List<String>> variants = List.of(List.of(), List.of("-v", volume + ":/data", "--read-only"),
                List.of("--privileged"), List.of("-u", "app"), List.of("--security-opt", "no-new-privileges=false"),
                List.of("-w", "/data", "-v", volume + ":/data"));
        for (List<String> options : variants) {
            assertOnlyStandardDescriptors(containers.jrun, options);
        }
        assertOnlyStandardDescriptors(containers.jrun.withEnv(Map.of("JRUN_PROC_MOUNT", "helper")), List.of());
    }

    /**
     * ls as the app itself (pid 1, no shell in between) lists its descriptors: 0, 1 and 2 as
     * jrun gave them, and 3, the directory ls opened to list them (with any other descriptor
     * open, that one would be 4).
     */
    private static void assertOnlyStandardDescriptors(JrunCli jrun, List<String> options) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--rm"));
        args.addAll(options);
        args.addAll(List.of(containers.busybox, "ls", "/proc/self/fd"));
        JrunCli.Result r = jrun.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(options + ": " + r).isZero();
        assertThat(r.stdout()).as("%s", options).isEqualTo("0\n1\n2\n3\n");
    }

    @Test
    void aWorkingDirectoryInProcIsRefused() throws Exception {
        Set<Path> before = Set.copyOf(containers.pods("run"));
        List<String> dirs = new ArrayList<>();
        for (int fd = 3; fd <= 20; fd++) {
            dirs.add("/proc/self/fd/" + fd);
        }
        dirs.addAll(List.of("/proc", "/proc/self/cwd", "/proc/1/root", "/srv/../proc/self/fd/7", "/proc/thread-self/fd/7"));
        for (String workingDir : dirs) {
            JrunCli.Result r = containers.run("-w", workingDir, containers.busybox, "sh", "-c", "pwd; ls");
            assertThat(r.exitCode()).as(workingDir + ": " + r).isEqualTo(125);
            assertThat(r.stdout()).as("nothing ran").isEmpty();
            assertThat(r.stderr()).isEqualTo("jrun: the working directory \"" + workingDir
                    + "\" is in /proc, whose links can lead outside the container: choose a directory of the image\n");
        }
        assertThat(Set.copyOf(containers.pods("run"))).as("no pod made").isEqualTo(before);
    }

    @Test
    void anImagesWorkingDirectoryInProcIsRefused() throws Exception {
        String inProc = containers.fetch(DerivedImage.withConfig(TestImages.layout("busybox"), images.resolve("in-proc"),
                c -> c.put("WorkingDir", "/proc/self/fd/7")));
        JrunCli.Result r = containers.run("--rm", inProc, "pwd");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        assertThat(r.stderr()).startsWith("jrun: the working directory \"/proc/self/fd/7\" is in /proc").hasLineCount(1);

        byte[] layer = new TarLayer().symlink("work", "/proc").symlink("sys-work", "/sys/kernel").bytes();
        String linked = containers.fetch(DerivedImage.withLayer(TestImages.layout("busybox"), images.resolve("linked"), layer,
                c -> c.put("WorkingDir", "/work")));
        r = containers.run("--rm", linked, "pwd");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jrun: the working directory /work leads to /proc through a symlink in the image,"
                + " which jrun does not allow: choose another\n");
        r = containers.run("--rm", "-w", "/sys-work", linked, "pwd");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        assertThat(r.stderr()).startsWith("jrun: the working directory /sys-work leads to /sys/kernel through a symlink")
                .hasLineCount(1);
        r = containers.run("--rm", "-w", "/srv", linked, "pwd");
        assertThat(r.stdout()).as(r.toString()).isEqualTo("/srv\n");
    }
}
