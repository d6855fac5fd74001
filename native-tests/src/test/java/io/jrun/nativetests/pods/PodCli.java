package io.jrun.nativetests.pods;

import io.jrun.nativetests.fetch.JrunCli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What the pod tests ask of the jrun command line and of the state directory. */
final class PodCli {
    private PodCli() {
    }

    /** Runs jrun and asserts that it succeeded. */
    static JrunCli.Result ok(JrunCli jrun, String... args) throws Exception {
        JrunCli.Result r = jrun.run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isZero();
        return r;
    }

    /** One KEY=VALUE of {@code jrun status POD}; null without it. */
    static String status(JrunCli jrun, String pod, String key) throws Exception {
        return ok(jrun, "status", pod).stdout().lines().filter(l -> l.startsWith(key + "="))
                .map(l -> l.substring(key.length() + 1)).findFirst().orElse(null);
    }

    /** The entries of a directory; none when it does not exist. */
    static List<Path> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** Waits for the apps to write {@code files} (at most a minute each), then asserts they are there. */
    static void awaitFiles(Path... files) throws InterruptedException {
        for (Path f : files) {
            for (int i = 0; i < 6000 && !Files.exists(f); i++) {
                Thread.sleep(10);
            }
            assertThat(f).as("written by the app").exists();
        }
    }

    /**
     * After a test: {@code jrun gc --grace-period 0} succeeds and leaves no pod in any phase, no
     * pod of several apps, and nothing mounted under the state directory's pods (nsfs files,
     * volumes).
     */
    static void gcLeavesNoPods(JrunCli jrun, Path state) throws Exception {
        JrunCli.Result gc = jrun.run("gc", "--grace-period", "0");
        assertThat(gc.exitCode()).as(gc.toString()).isZero();
        for (String phase : List.of("tmp", "prepare", "run", "exited-garbage", "garbage", "names")) {
            assertThat(entries(state.resolve("pods").resolve(phase))).as("pods/" + phase + " after gc").isEmpty();
        }
        assertThat(entries(state.resolve("pods/apps")).stream().filter(Files::isDirectory).toList())
                .as("pods of several apps after gc").isEmpty();
        String pods = state.resolve("pods").toString() + "/";
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(pods)).toList())
                .as("mounts left under " + pods).isEmpty();
    }
}
