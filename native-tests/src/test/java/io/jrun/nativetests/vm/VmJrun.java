package io.jrun.nativetests.vm;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.TestImages;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jrun CLI in the guest, run as users run it: through the checkout's {@code jrun} launcher,
 * which picks C1 only for the pod commands (under TCG the C2 compiler's work costs more than it
 * saves) and the AOT caches that {@code scripts/aot-train.sh} made for this jar, if they are newer
 * than it (vm-tests.sh trains them before the guest boots). Under TCG the caches halve a command:
 * {@code run --rm IMAGE true} took 67.5 s without and 36.8 s with them in one guest.
 */
record VmJrun(JrunCli cli) {

    static VmJrun in(Path state) {
        return new VmJrun(new JrunCli(state));
    }

    /** Fetches the busybox test image into this jrun's state directory; returns its reference. */
    String fetchBusybox() throws IOException, InterruptedException {
        String busybox = "oci:" + TestImages.layout("busybox") + ":latest";
        JrunCli.Result fetched = run("fetch", "-q", busybox);
        assertThat(fetched.exitCode()).as(fetched.toString()).isZero();
        return busybox;
    }

    /** jrun's command line, for a unit's ExecStart=, systemd-run or a ProcessBuilder. */
    List<String> commandLine(String... args) {
        Path launcher = TestImages.repo().resolve("jrun");
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException("the jrun launcher " + launcher + " is missing from the checkout");
        }
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "--dir", cli.stateDir().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** {@code jrun fetch -q IMAGE}, which must succeed; returns {@code image}. */
    String fetch(String image) throws IOException, InterruptedException {
        JrunCli.Result fetched = run("fetch", "-q", image);
        assertThat(fetched.exitCode()).as(fetched.toString()).isZero();
        return image;
    }

    /** After a class: {@code jrun gc} removes every exited pod, and no process is left. */
    void gcLeavesNothing() throws IOException, InterruptedException {
        JrunCli.Result gc = run("gc", "--grace-period", "0");
        assertThat(gc.exitCode()).as(gc.toString()).isZero();
        assertThat(ProcessHandle.current().children().toList()).as("processes left behind").isEmpty();
    }

    JrunCli.Result run(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("jrun-out", ".txt");
        Path err = Files.createTempFile("jrun-err", ".txt");
        try {
            Process p = new ProcessBuilder(commandLine(args)).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("jrun " + String.join(" ", args) + " did not finish in 5 minutes");
            }
            return new JrunCli.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
