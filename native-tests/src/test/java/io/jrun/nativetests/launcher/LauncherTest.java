package io.jrun.nativetests.launcher;

import io.jrun.nativetests.harness.TestImages;
import io.jrun.nativetests.harness.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The ./jrun launcher and scripts/install.sh: finding a JDK >= 22, and the installed command. */
class LauncherTest {
    private static final Path REPO = TestImages.repo();
    private static final String LAUNCHER = REPO.resolve("jrun").toString();

    @Test
    void findsAJdk22OrNewerWhenJavaHomeIsOlder() {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        assertThat(jdk17).as("this test needs Debian's JDK 17 as the too-old JAVA_HOME").isDirectory();
        Tools.Result r = Tools.run(List.of(LAUNCHER, "--version"), Map.of("JAVA_HOME", jdk17.toString()), 60);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output()).startsWith("jrun 0.1.0-SNAPSHOT (Java 2");
    }

    @Test
    void saysInOneLineWhenThereIsNoJdk22() {
        Tools.require("unshare");
        // A private mount namespace hides /usr/lib/jvm behind an empty tmpfs; it goes away with it.
        Tools.Result r = Tools.run(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs none /usr/lib/jvm && JAVA_HOME=/nonexistent exec " + LAUNCHER + " --version"), 60);
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.output().strip()).isEqualTo("jrun: no JDK >= 22 found (checked $JAVA_HOME and /usr/lib/jvm/*): "
                + "install one, e.g. a JDK 25, or set JAVA_HOME to it");
    }

    @Test
    void helpListsOnlyCommandsThatWork() {
        Tools.Result r = Tools.run(List.of(LAUNCHER, "--help"), 60);
        assertThat(r.exitCode()).isZero();
        // every command listed is one that works (each has its own tests); nothing else is listed
        List<String> commands = r.output().lines().dropWhile(l -> !l.startsWith("Commands:")).skip(1)
                .filter(l -> l.matches("  \\S.*")) // a command's line; its wrapped description is indented further
                .map(l -> l.strip().split("\\s+")[0]).toList();
        assertThat(commands).containsExactlyInAnyOrder("fetch,", "image", "run", "enter,", "list,", "status", "stop", "rm",
                "gc", "logs", "inspect", "kill", "wait", "top", "stats", "images", "rmi", "play"); // "fetch, pull": podman's aliases
        assertThat(r.output()).contains("--dir");
    }

    @Test
    void installPutsAWorkingJrunOnThePrefix(@TempDir Path prefix) throws Exception {
        Tools.Result install = Tools.run(List.of(REPO.resolve("scripts/install.sh").toString(), prefix.toString()), 300);
        assertThat(install.exitCode()).as(install.toString()).isZero();
        Path command = prefix.resolve("bin/jrun");
        assertThat(Files.isSymbolicLink(command)).isTrue();
        assertThat(prefix.resolve("lib/jrun/jrun.jar")).isRegularFile();
        assertThat(prefix.resolve("lib/jrun/jrun.aot")).as("AOT cache trained at the installed path").isRegularFile();
        Tools.Result version = Tools.run(List.of(command.toString(), "--version"), 60);
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.output().lines().toList()).as("one line: the AOT cache is accepted silently")
                .hasSize(1).first().asString().startsWith("jrun ");
    }
}
