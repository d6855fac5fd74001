package io.jrun.nativetests.security;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.nativetests.harness.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store is unreachable to the host's other users (moby's CVE-2021-41091): an unprivileged
 * user (nobody, through setpriv) can neither reach nor run the setuid-root file that the busybox
 * test image ships in a layer ({@code /usr/local/bin/suid-test}, mode 4755), nor a setuid copy
 * of busybox that a container's root made in its pod's upper directory; for a store jrun makes,
 * and for one an older jrun left world-traversable, once any jrun command has opened it.
 */
@ExtendWith(HostLeftAsItWas.class)
class StoreModesTest {
    private static final String NOBODY = "65534";

    /** Traversable by everyone (mode 0755), like /var/lib: only the store's own modes protect it. */
    @TempDir
    Path top;

    private record Store(JrunCli jrun, Path state, String pod, Path layerFile, Path podFile) {
    }

    @Test
    void aStoreJrunMakesIsUnreachableToOtherUsers() throws Exception {
        Store store = store();
        assertUnreachable(store);
        for (String dir : List.of("", "images", "pods", "cache")) {
            assertThat(mode(store.state.resolve(dir))).as("mode of the state dir's " + dir).isEqualTo("rwx------");
        }
        remove(store);
    }

    @Test
    void aStoreLeftOpenByAnOlderJrunIsTightenedWhenOpened() throws Exception {
        Store store = store();
        // what jrun made before this rule: every directory 0755 (mkdir under umask 022)
        for (String dir : List.of("", "images", "pods", "cache")) {
            Files.setPosixFilePermissions(store.state.resolve(dir), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        // the probe sees what the hole gives: both files reached and run by nobody
        for (Path file : List.of(store.layerFile, store.podFile)) {
            Tools.Result reached = asNobody("stat", "-c", "%A", file.toString());
            assertThat(reached.output()).as("an old store: nobody reaches " + file).isEqualTo("-rwsr-xr-x\n");
            Tools.Result ran = asNobody(file.toString(), "true");
            assertThat(ran.exitCode()).as("an old store: nobody runs " + file + "\n" + ran.output()).isZero();
        }

        JrunCli.Result list = store.jrun.run("list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        for (String dir : List.of("images", "pods", "cache")) {
            assertThat(mode(store.state.resolve(dir))).as("mode of " + dir + " once opened").isEqualTo("rwx------");
        }
        assertThat(mode(store.state)).as("the state dir itself is the administrator's: kept").isEqualTo("rwxr-xr-x");
        assertUnreachable(store);
        remove(store);
    }

    /**
     * A state dir made by jrun under {@link #top}, the busybox image fetched into it, and an
     * exited pod whose container's root left a setuid-root busybox in its upper directory.
     */
    private Store store() throws Exception {
        Tools.require("setpriv", "stat");
        Files.setPosixFilePermissions(top, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path state = top.resolve("state");
        JrunCli jrun = new JrunCli(state);
        String busybox = jrun.fetchBusybox();
        Path uuidFile = top.resolve("uuid");
        JrunCli.Result run = jrun.run("run", "--uuid-file-save", uuidFile.toString(), busybox, "sh", "-c",
                "cp /bin/busybox /srv/busybox-suid && chmod 4755 /srv/busybox-suid");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        String pod = Files.readString(uuidFile);
        Path podFile = state.resolve("pods/run").resolve(pod).resolve("upper/srv/busybox-suid");
        Path layerFile;
        try (Stream<Path> layers = Files.list(state.resolve("images/layers/sha256"))) {
            layerFile = layers.map(l -> l.resolve("rootfs/usr/local/bin/suid-test")).filter(Files::exists)
                    .findFirst().orElseThrow(() -> new AssertionError("no layer holds /usr/local/bin/suid-test"));
        }
        for (Path file : List.of(layerFile, podFile)) {
            assertThat(Files.getAttribute(file, "unix:mode")).as("setuid root: " + file)
                    .isEqualTo(0100000 | 04755);
            assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(0);
        }
        return new Store(jrun, state, pod, layerFile, podFile);
    }

    private static void assertUnreachable(Store store) {
        for (Path file : List.of(store.layerFile, store.podFile)) {
            Tools.Result reached = asNobody("stat", "-c", "%A", file.toString());
            assertThat(reached.exitCode()).as("nobody reaches " + file + "\n" + reached.output()).isNotZero();
            assertThat(reached.output()).contains("Permission denied");
            Tools.Result ran = asNobody(file.toString(), "true");
            assertThat(ran.exitCode()).as("nobody runs " + file + "\n" + ran.output()).isNotZero();
            assertThat(ran.output()).contains("Permission denied");
        }
    }

    /**
     * {@code command} as nobody, with no capability. Through a shell: setpriv itself keeps its
     * capabilities (PR_SET_KEEPCAPS) until its own execve, whose lookup they would let through.
     */
    private static Tools.Result asNobody(String... command) {
        List<String> all = new java.util.ArrayList<>(List.of("setpriv", "--reuid", NOBODY, "--regid", NOBODY,
                "--clear-groups", "--", "/bin/sh", "-c", "exec \"$@\"", "sh"));
        all.addAll(List.of(command));
        return Tools.run(all, 60);
    }

    private static String mode(Path dir) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
    }

    private static void remove(Store store) throws Exception {
        JrunCli.Result rm = store.jrun.run("rm", store.pod);
        assertThat(rm.exitCode()).as(rm.toString()).isZero();
    }
}
