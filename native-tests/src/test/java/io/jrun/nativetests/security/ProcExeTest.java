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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * runc's CVE-2019-5736 class: a container must never reach, to overwrite or run, a binary of
 * the host (jrun's java, the /proc helper's) through /proc/self/exe or /proc/PID/exe.
 *
 * <p>jrun spawns the app directly, so once it runs its /proc/self/exe is its own binary; the
 * /proc helper of old kernels is killed before the app is released. The one window: until the
 * exec completes, the spawned child is a clone of the JVM, and its /proc/self/exe is the host's
 * java. An exec of /proc/self/exe, or of a file whose #! interpreter or ELF loader is reached
 * through /proc, would start the host's java inside the container. The test image has a loader
 * at /lib64/ld-linux-x86-64.so.2 that exits 42: the host's java, started in the container,
 * would be loaded by it, so 42 would prove the escape.
 */
@ExtendWith(HostLeftAsItWas.class)
class ProcExeTest {
    private static final int REEXEC_MARKER = 42;

    @TempDir
    static Path state;
    @TempDir
    static Path images;
    static Containers containers;
    static String image;


    @BeforeAll
    static void image() throws Exception {
        ProbeElf.requireX86_64();
        containers = Containers.open(state);
        byte[] layer = new TarLayer()
                .dir("lib64")
                .file("lib64/ld-linux-x86-64.so.2", ProbeElf.exit(REEXEC_MARKER), 0755)
                .symlink("bin/evil", "/proc/self/exe")
                .symlink("bin/evil-fd", "/dev/fd/0")
                .file("usr/local/bin/via-script", "#!/proc/self/exe\n".getBytes(), 0755)
                .file("usr/local/bin/via-nested-script", "#!/usr/local/bin/via-script\n".getBytes(), 0755)
                .file("usr/local/bin/via-symlinked-interpreter", "#!/bin/evil\n".getBytes(), 0755)
                .file("usr/local/bin/via-loader", ProbeElf.exit(3, "/proc/self/exe"), 0755)
                .file("usr/local/bin/sane", "#!/bin/sh\necho sane $0\n".getBytes(), 0755)
                .file("usr/local/bin/static-program", ProbeElf.exit(7), 0755)
                .bytes();
        image = containers.fetch(DerivedImage.withLayer(TestImages.layout("busybox"), images.resolve("exe"), layer, c -> { }));
    }

    @AfterEach
    void noPodHalfMade() throws Exception {
        containers.assertNoPodHalfMade();
    }

    private static JrunCli.Result run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--rm", image));
        all.addAll(List.of(args));
        return containers.run(all.toArray(String[]::new));
    }

    /** The device and inode of a host file, as stat(1) prints them ("%d:%i"). */
    private static String deviceAndInode(Path file) throws Exception {
        long dev = (Long) Files.getAttribute(file, "unix:dev");
        long ino = (Long) Files.getAttribute(file, "unix:ino");
        return dev + ":" + ino;
    }

    @Test
    void noProcessInTheContainerRunsAHostBinary() throws Exception {
        // The host binaries a container process could be running: java, the binary of jrun's JVM
        // (JrunCli starts jrun with this JVM's java) and of the /proc helper (jrun's java.home's).
        // /proc/self/exe is what this process really runs; the jar is no process's binary.
        String java = deviceAndInode(Path.of("/proc/self/exe"));
        assertThat(deviceAndInode(Path.of(ProcessHandle.current().info().command().orElseThrow())))
                .as("the java JrunCli starts jrun with").isEqualTo(java);
        assertThat(deviceAndInode(Path.of(System.getProperty("java.home"), "bin", "java")))
                .as("the java the /proc helper runs").isEqualTo(java);
        List<String> host = List.of(java);
        // the glob is expanded before stat starts: it lists sh (pid 1) and sleep
        String script = "sleep 60 & stat -L -c '%d:%i' /proc/[0-9]*/exe; readlink /proc/1/exe; readlink /proc/$!/exe; kill $!";
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("JRUN_PROC_MOUNT", "helper"))) {
            JrunCli.Result r = containers.jrun.withEnv(env).run("run", "--rm", image, "sh", "-c", script);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            List<String> lines = r.stdout().lines().toList();
            assertThat(lines).as("sh and sleep, then their links (%s)", env).hasSizeGreaterThanOrEqualTo(4);
            assertThat(lines.subList(0, lines.size() - 2)).as("every /proc/PID/exe (%s)", env)
                    .doesNotContainAnyElementsOf(host);
            // the image's busybox, by the name sh was started with (sleep is a fork of it)
            assertThat(lines.subList(lines.size() - 2, lines.size())).containsOnly("/bin/sh");
        }
    }

    @Test
    void procSelfExeCannotBeExecuted() throws Exception {
        for (String command : List.of("/proc/self/exe", "/proc/1/exe", "/proc/../proc/self/exe")) {
            JrunCli.Result r = run(command);
            assertThat(r.exitCode()).as(command + ": " + r).isEqualTo(126);
            assertThat(r.stderr()).startsWith("jrun: cannot execute \"" + command + "\": it is in /proc").contains("CVE-2019-5736")
                    .hasLineCount(1);
        }
        JrunCli.Result r = containers.run("--rm", "-w", "/bin", image, "../proc/self/exe");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(126);
    }

    @Test
    void aSymlinkIntoProcIsNotFollowedToTheHost() throws Exception {
        for (String command : List.of("/bin/evil", "evil", "/bin/evil-fd")) {
            JrunCli.Result r = run(command);
            assertThat(r.exitCode()).as(command + ": " + r).isEqualTo(127);
            assertThat(r.stderr()).contains("\"" + command + "\" was not found").hasLineCount(1);
        }
    }

    @Test
    void aScriptWhoseInterpreterIsInProcIsRefused() throws Exception {
        for (String command : List.of("/usr/local/bin/via-script", "via-script", "via-nested-script")) {
            JrunCli.Result r = run(command);
            assertThat(r.exitCode()).as(command + ": " + r).isEqualTo(126);
            assertThat(r.stderr()).contains("its interpreter /proc/self/exe is in /proc").hasLineCount(1);
        }
        JrunCli.Result r = run("via-symlinked-interpreter");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(127);
        assertThat(r.stderr()).contains("its interpreter /bin/evil was not found in the image").hasLineCount(1);
    }

    @Test
    void aProgramWhoseLoaderIsInProcIsRefused() throws Exception {
        JrunCli.Result r = run("via-loader");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(126);
        assertThat(r.stderr()).contains("its interpreter /proc/self/exe is in /proc").hasLineCount(1);
    }

    @Test
    void ordinaryScriptsAndProgramsRunAsBefore() throws Exception {
        JrunCli.Result r = run("sane");
        assertThat(r.stdout()).as(r.toString()).isEqualTo("sane /usr/local/bin/sane\n");
        assertThat(run("static-program").exitCode()).isEqualTo(7);
        assertThat(run("/usr/local/bin/static-program").exitCode()).isEqualTo(7);
        assertThat(containers.run("--rm", "-w", "/usr/local", image, "bin/static-program").exitCode())
                .as("relative to the working directory").isEqualTo(7);
    }
}
