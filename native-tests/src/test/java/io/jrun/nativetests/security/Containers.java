package io.jrun.nativetests.security;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.TestImages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The security tests' access to jrun: the real CLI in its own JVM over one state directory,
 * the busybox test image fetched into it, and the checks every test ends with: the host's
 * mount table unchanged, no process left, no pod half made.
 */
final class Containers {
    final JrunCli jrun;
    final Path state;
    /** The busybox test image (native-tests/images/build-test-images.sh), fetched. */
    final String busybox;

    private Containers(Path state) throws Exception {
        this.state = state;
        this.jrun = new JrunCli(state);
        this.busybox = fetch(TestImages.layout("busybox"));
    }

    static Containers open(Path state) throws Exception {
        return new Containers(state);
    }

    /** Fetches the OCI layout {@code layout} (tag latest) and returns its reference. */
    String fetch(Path layout) throws Exception {
        String image = "oci:" + layout + ":latest";
        JrunCli.Result fetched = jrun.run("fetch", "-q", image);
        assertThat(fetched.exitCode()).as(fetched.toString()).isZero();
        return image;
    }

    /** {@code jrun run ARGS…}. */
    JrunCli.Result run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        return jrun.run(all.toArray(String[]::new));
    }

    /** {@code jrun run --rm [OPTIONS…] busybox sh -c SCRIPT}. */
    JrunCli.Result sh(List<String> options, String script) throws Exception {
        List<String> args = new ArrayList<>(List.of("--rm"));
        args.addAll(options);
        args.addAll(List.of(busybox, "sh", "-c", script));
        return run(args.toArray(String[]::new));
    }

    /** The pods in {@code phase} (tmp, prepare, run, garbage…). */
    List<Path> pods(String phase) throws IOException {
        Path dir = state.resolve("pods").resolve(phase);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** After each test (the host itself: {@link io.jrun.nativetests.harness.HostLeftAsItWas}): no pod left being made or removed. */
    void assertNoPodHalfMade() throws IOException {
        for (String phase : List.of("tmp", "prepare", "garbage")) {
            assertThat(pods(phase)).as("pods in " + phase).isEmpty();
        }
    }
}
