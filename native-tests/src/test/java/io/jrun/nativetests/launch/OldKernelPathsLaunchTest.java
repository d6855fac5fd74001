package io.jrun.nativetests.launch;

import io.jrun.linux.Mounts;
import io.jrun.linux.Namespaces;
import io.jrun.linux.Processes;
import io.jrun.runtime.prepare.EffectiveConfig;
import io.jrun.runtime.spec.Spec;
import io.jrun.runtime.launch.KernelCompat;
import io.jrun.runtime.launch.KernelCompat.OverlayMountMethod;
import io.jrun.runtime.launch.KernelCompat.ProcMountMethod;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.launch.Launcher;
import io.jrun.runtime.launch.RunningContainer;
import io.jrun.runtime.launch.Stdio;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every {@link LaunchTest} scenario again with the paths for kernels before 6.15 and 6.8 forced
 * (JRUN_PROC_MOUNT=helper, JRUN_OVERLAY_MOUNT=legacy), so they are tested on a new kernel too;
 * and the switches' own behaviour: what auto falls back to, what a forced choice does, and that
 * the /proc helper never outlives a launch.
 */
class OldKernelPathsLaunchTest extends LaunchTest {
    private static final List<String> ENV = List.of("PATH=" + EffectiveConfig.DEFAULT_PATH);

    @Override
    KernelCompat compat() {
        return new KernelCompat(ProcMountMethod.HELPER, OverlayMountMethod.LEGACY);
    }

    private Spec spec(List<Path> stack, String script) {
        return spec(stack, upper, dir.resolve("work"), rootfs, "/", "old-kernel", "", DEFAULT_CAPABILITIES,
                List.of("/bin/sh", "-c", script));
    }

    @Test
    void theHelperIsGoneBeforeTheAppRuns() throws Exception {
        // The app is ls itself: listing its pid namespace is the first thing it does. The helper
        // had pid 2 there; alive, or exited but not yet reaped, it would be listed beside the app.
        Result r = run(spec(DEFAULT_CAPABILITIES, "/bin/ls", "/proc"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output().lines().filter(l -> l.matches("[0-9]+"))).as("the processes of the pid namespace when the app started")
                .containsExactly("1");
        assertThat(r.output()).as("a /proc of the namespace's own, from the helper's proc context").contains("self\n");
    }

    @Test
    void aHelperThatFailsIsKilledAndReapedAndTheLaunchFails() throws Exception {
        // In a private mount namespace of a throw-away thread (the launch's threads inherit it),
        // the JDK's java is a script that says something, closes its output and stays alive.
        Path fakeJava = dir.resolve("fake-java");
        Files.writeString(fakeJava, "#!/bin/sh\necho not a JVM\nexec sleep 1000 >&- 2>&-\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                Namespaces.unshare(Namespaces.CLONE_FS | Namespaces.CLONE_NEWNS);
                Mounts.mount(null, "/", null, Mounts.MS_REC | Mounts.MS_PRIVATE, null);
                Mounts.mount(fakeJava.toString(), java.toString(), null, Mounts.MS_BIND, null);
                start(sh("echo never"));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.join();
        assertThat(failure.get()).isInstanceOfSatisfying(LaunchException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(125);
            assertThat(e.getMessage()).startsWith("cannot mount /proc for the container: the /proc helper (" + java + ")")
                    .contains("was killed by signal 9 without opening a proc context: not a JVM");
        });
        assertThat(output).as("the app never ran").isEmptyFile();
        // nothingLeft: no child of this JVM (the fake helper, the gated app), no mount
    }

    @Test
    void autoFallsBackToTheOptionStringForAPathFsconfigCannotTake() throws Exception {
        // fsconfig copies at most 255 bytes of a value: EINVAL on every kernel
        Path layer = Files.createDirectories(dir.resolve("a".repeat(100)).resolve("b".repeat(100)).resolve("c".repeat(60)));
        assertThat(layer.toString()).hasSizeGreaterThan(256);
        Files.createDirectories(layer.resolve("srv"));
        Files.writeString(layer.resolve("srv/long.txt"), "from the long path\n");
        List<Path> stack = new ArrayList<>(layers);
        stack.add(layer);
        Spec spec = spec(stack, "cat /srv/long.txt; grep ' / / ' /proc/self/mountinfo | sed 's/.* - //'");

        RunningContainer c = start(spec, new KernelCompat(ProcMountMethod.AUTO, OverlayMountMethod.AUTO));
        assertThat(c.waitForExit()).isZero();
        assertThat(Files.readString(output))
                .matches("from the long path\noverlay jrun rw,.*lowerdir=\\d+:\\d+:\\d+:\\d+:\\d+,upperdir=\\d+,workdir=\\d+.*\n");

        assertThatThrownBy(() -> start(spec, new KernelCompat(ProcMountMethod.AUTO, OverlayMountMethod.LOWERDIR_PLUS)))
                .isInstanceOfSatisfying(LaunchException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(125);
                    assertThat(e.getMessage()).startsWith("cannot set up the container: fsconfig lowerdir+")
                            .contains("(EINVAL)").endsWith("set JRUN_OVERLAY_MOUNT=auto or legacy");
                });
    }

    @Test
    void optionsLongerThanAPageAreAClearError() throws Exception {
        List<Path> stack = new ArrayList<>(layers);
        for (int i = 0; i < 1200; i++) {
            stack.add(Files.createDirectory(dir.resolve("empty-" + i)));
        }
        assertThatThrownBy(() -> run(spec(stack, "true")))
                .isInstanceOfSatisfying(LaunchException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(125);
                    assertThat(e.getMessage()).isEqualTo("cannot set up the container: the image has too many layers (1204)"
                            + " for an overlay mounted through mount(2), whose options must fit in 4096 bytes: use a kernel"
                            + " with fsconfig \"lowerdir+\" (Linux 6.8 or later), or an image with fewer layers");
                });
    }

    @Test
    void fsconfigPidnsForcedWorksFromKernel615AndFailsClearlyBefore() throws Exception {
        KernelCompat forced = new KernelCompat(ProcMountMethod.FSCONFIG, OverlayMountMethod.AUTO);
        Spec spec = spec(layers, "echo $$; ls /proc > /tmp/ps; grep -c '^[0-9]' /tmp/ps");
        if (kernelAtLeast(6, 15)) {
            RunningContainer c = start(spec, forced);
            assertThat(c.waitForExit()).isZero();
            assertThat(Files.readString(output)).isEqualTo("1\n2\n");
        } else {
            assertThatThrownBy(() -> start(spec, forced))
                    .isInstanceOfSatisfying(LaunchException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(125);
                        assertThat(e.getMessage()).startsWith("cannot mount /proc for the container: fsconfig pidns")
                                .endsWith("set JRUN_PROC_MOUNT=auto or helper");
                    });
        }
    }
}
