package io.jrun.nativetests.fetch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real jrun command (the shaded jar Maven built in runtime/) as a separate process,
 * with the JDK running the tests, so tests see exactly what a user sees: exit code, stdout
 * and stderr. Without perf data, as the jrun launcher runs it: with it, a JVM whose pid another
 * JVM (in another pid namespace) used before warns about the locked /tmp/hsperfdata file on stdout.
 */
public record JrunCli(Path stateDir, Map<String, String> env) {

    public static final Path JAR = Path.of(System.getProperty("jrun.jar", "../runtime/target/jrun.jar"))
            .toAbsolutePath().normalize();

    public JrunCli(Path stateDir) {
        this(stateDir, Map.of());
    }

    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    public JrunCli withEnv(Map<String, String> extra) {
        var merged = new java.util.HashMap<>(env);
        merged.putAll(extra);
        return new JrunCli(stateDir, Map.copyOf(merged));
    }

    public ProcessBuilder command(String... args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("the jrun jar " + JAR + " is missing: build with scripts/mvn package first");
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-Xmx256m", "-XX:-UsePerfData", "--sun-misc-unsafe-memory-access=allow", "-jar", JAR.toString(), "--dir", stateDir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return pb;
    }

    /**
     * {@code jrun fetch -q} of the busybox test image into this state directory, which must
     * succeed; returns the image's reference for {@code jrun run}.
     */
    public String fetchBusybox() throws IOException, InterruptedException {
        String busybox = "oci:" + io.jrun.nativetests.harness.TestImages.layout("busybox") + ":latest";
        Result fetched = run("fetch", "-q", busybox);
        org.assertj.core.api.Assertions.assertThat(fetched.exitCode()).as(fetched.toString()).isZero();
        return busybox;
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return runToEnd(command(args), args);
    }

    /** Runs {@code command} (jrun's, as {@link #command} makes it, perhaps wrapped) to its end, stdin closed. */
    public static Result runToEnd(ProcessBuilder command, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("jrun-out", ".txt");
        Path err = Files.createTempFile("jrun-err", ".txt");
        try {
            Process p = command.redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("jrun " + String.join(" ", args) + " did not finish in 5 minutes");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
