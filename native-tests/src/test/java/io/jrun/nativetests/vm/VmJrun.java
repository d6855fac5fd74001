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
 * The jrun CLI in the guest, C1 only as ./jrun runs it: under TCG the C2 compiler's work costs
 * more than it saves. The flag goes on the command line, not into JDK_JAVA_OPTIONS, whose
 * "Picked up" note on stderr would precede the UUID a detached run's supervisor reports.
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
        List<String> command = new ArrayList<>(cli.command(args).command());
        command.add(1, "-XX:TieredStopAtLevel=1");
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
