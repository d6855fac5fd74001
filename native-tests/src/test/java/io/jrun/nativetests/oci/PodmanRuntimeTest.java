package io.jrun.nativetests.oci;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.nativetests.harness.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * podman drives jrun-oci as its OCI runtime ({@code podman --runtime}), through conmon, with a
 * store of its own in a temporary directory: run, run -d, exec, ps, stop (the StopSignal reaches
 * the app, which exits with its own code), logs, rm, exit codes 127 and the app's.
 *
 * <p>podman runs with {@code cgroups="disabled"}: its cgroupfs manager would write the cgroup v1
 * hierarchies, which belong to this machine's sandbox. podman then calls jrun-oci with
 * {@code --cgroup-manager disabled}. podman runs under a hard nproc limit it then asks for its
 * containers: by default it asks for more than it has, which a root without CAP_SYS_RESOURCE
 * cannot give (crun fails the same way).
 */
class PodmanRuntimeTest {
    private static Path dir;
    private static Map<String, String> env;
    private static String image;

    @BeforeAll
    static void podmanWithJrunOci() throws Exception {
        Tools.require("podman", "conmon", "prlimit");
        dir = Files.createTempDirectory("jrun-podman-");
        Path runtime = dir.resolve("jrun-oci");
        String java = ProcessHandle.current().info().command().orElseThrow();
        // as the jrun launcher runs it, with a --root of this test's own
        Files.writeString(runtime, "#!/bin/sh\nexec " + java + " --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC"
                + " -XX:TieredStopAtLevel=1 -XX:-UsePerfData -cp " + JrunCli.JAR + " io.jrun.oci.OciMain --root "
                + dir.resolve("oci-root") + " \"$@\"\n");
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("storage.conf"), "[storage]\ndriver = \"overlay\"\nrunroot = \"" + dir.resolve("run")
                + "\"\ngraphroot = \"" + dir.resolve("storage") + "\"\n");
        Files.writeString(dir.resolve("containers.conf"), """
                [containers]
                cgroups = "disabled"
                netns = "none"
                default_ulimits = ["nofile=1024:1024", "nproc=%d:%d"]
                [engine]
                runtime = "jrun-oci"
                runtime_supports_nocgroup = ["jrun-oci"]
                runtime_supports_json = ["jrun-oci"]
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                tmp_dir = "%s"
                [engine.runtimes]
                jrun-oci = ["%s"]
                """.formatted(NPROC, NPROC, dir.resolve("libpod-tmp"), runtime));
        env = Map.of("CONTAINERS_STORAGE_CONF", dir.resolve("storage.conf").toString(),
                "CONTAINERS_CONF", dir.resolve("containers.conf").toString());
        String pulled = podman("pull", "-q", "oci:" + TestImages.layout("busybox") + ":latest");
        image = pulled.strip().lines().reduce((a, b) -> b).orElseThrow();
    }

    @AfterAll
    static void resetPodman() throws Exception {
        if (env != null) {
            // removes every container, image and podman's own mounts of its store
            Tools.check(command("system", "reset", "--force"), env, 120);
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).as("podman's mounts of its store")
                    .doesNotContain(dir.toString());
            try (var left = Files.exists(dir.resolve("oci-root")) ? Files.list(dir.resolve("oci-root"))
                    : java.util.stream.Stream.<Path>empty()) {
                assertThat(left.filter(p -> !p.getFileName().toString().startsWith(".")))
                        .as("containers left in jrun-oci's root").isEmpty();
            }
            Tools.deleteTree(dir);
        }
    }

    /**
     * podman runs under this RLIMIT_NPROC and asks it for its containers: by default it asks
     * for 1048576, and conmon's runtime ran with a lower hard limit than podman's caller had, so
     * neither could be given without CAP_SYS_RESOURCE. A limit podman starts with is one it has.
     */
    private static final int NPROC = 4096;

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of("prlimit", "--nproc=" + NPROC + ":" + NPROC, "podman"));
        command.addAll(List.of(args));
        return command;
    }

    private static String podman(String... args) {
        return Tools.check(command(args), env, 180);
    }

    private static Tools.Result tryPodman(String... args) {
        return Tools.run(command(args), env, 180);
    }

    @Test
    void podmanRunsAContainerWithJrunOciAndGetsItsExitCode() {
        assertThat(podman("run", "--rm", image, "sh", "-c", "echo hello from $(cat /proc/1/comm)")).isEqualTo("hello from sh\n");
        assertThat(tryPodman("run", "--rm", image, "sh", "-c", "exit 7").exitCode()).isEqualTo(7);
        Tools.Result missing = tryPodman("run", "--rm", image, "/nonexistent");
        assertThat(missing.exitCode()).as(missing.output()).isEqualTo(127);
        assertThat(missing.output()).contains("jrun-oci: the command \"/nonexistent\" was not found in the image");
    }

    @Test
    void podmanStartsExecsStopsAndRemovesADetachedContainer() {
        podman("run", "-d", "--name", "web", image, "sh", "-c",
                "trap 'echo got TERM; exit 3' TERM; echo started; while :; do sleep 0.1; done");
        assertThat(podman("ps", "--format", "{{.Names}}")).isEqualTo("web\n");
        assertThat(podman("inspect", "web", "--format", "{{.State.Status}}")).isEqualTo("running\n");
        assertThat(podman("exec", "web", "sh", "-c", "echo exec in $(hostname) as $(id -u); cat /proc/1/cmdline | tr '\\0' ' '"))
                .startsWith("exec in ").contains(" as 0\nsh -c trap");
        podman("stop", "-t", "20", "web");
        assertThat(podman("inspect", "web", "--format", "{{.State.Status}} {{.State.ExitCode}}"))
                .as("the app got SIGTERM and exited with its own code").isEqualTo("exited 3\n");
        assertThat(podman("logs", "web")).isEqualTo("started\ngot TERM\n");
        podman("rm", "web");
        assertThat(podman("ps", "-a", "-q")).isEmpty();
    }
}
