package io.jrun.nativetests.harness;

import io.jrun.nativetests.fetch.JrunCli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code jrun-oci} (the jrun jar's io.jrun.oci.OciMain, as the launcher does when
 * invoked as jrun-oci) as a separate process with {@code --root}, as conmon and podman run it.
 */
public record OciCli(Path root) {

    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    public ProcessBuilder command(String... args) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-Xmx256m", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-cp", JrunCli.JAR.toString(),
                "io.jrun.oci.OciMain", "--root", root.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Runs it to the end with stdin from /dev/null; stdout and stderr are files (a created container keeps them). */
    public Result run(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("oci-out", ".txt");
        Path err = Files.createTempFile("oci-err", ".txt");
        try {
            Process p = command(args).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("jrun-oci " + String.join(" ", args) + " did not finish in 2 minutes");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs it and fails the test unless it exits 0; returns stdout. */
    public String check(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("jrun-oci " + String.join(" ", args) + " failed:\n" + r);
        }
        return r.stdout();
    }
}
