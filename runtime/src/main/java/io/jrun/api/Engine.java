package io.jrun.api;

import io.jrun.runtime.EnterRequest;
import io.jrun.runtime.Pods;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.launch.RunningContainer;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.pod.PodStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** What the API's handles share of the engine: the output file, exec, and failures as {@link JrunException}. */
final class Engine {
    /** The captured output's file, in each pod's (each app's unit's) directory. */
    static final String LOG = "output.log";
    private static final Path DEV_NULL = Path.of("/dev/null");

    private Engine() {
    }

    /** Where {@code output} sends an app's output; relative paths are files in its pod's directory. */
    static Stdio stdio(Output output) {
        return switch (output) {
            case CAPTURE -> new Stdio(DEV_NULL, Path.of(LOG), Path.of(LOG));
            case INHERIT -> new Stdio(DEV_NULL, null, null);
            case DISCARD -> new Stdio(DEV_NULL, DEV_NULL, DEV_NULL);
        };
    }

    /** What the app of {@code pod} (one unit) has written so far, when captured. */
    static Path log(PodStatus pod, Output output, String label) {
        if (output != Output.CAPTURE) {
            throw new IllegalStateException(label + "'s output is not captured (it goes to " + output
                    + "): start it with output(Output.CAPTURE) to read it");
        }
        return pod.dir().resolve(LOG);
    }

    /** Runs {@code command} in the running app of {@code pod} (jrun enter) to its end. */
    static Result exec(Pods pods, PodStatus pod, List<String> command) throws JrunException, InterruptedException {
        if (command.isEmpty() || command.getFirst().isBlank()) {
            throw new IllegalArgumentException("the command to exec is empty: give a program and its arguments");
        }
        Path out = pod.dir().resolve("exec-" + UUID.randomUUID() + ".log");
        try {
            RunningContainer process = pods.enter(pod, new EnterRequest(command, List.of(), null, null),
                    new Stdio(DEV_NULL, out, out));
            int code = process.waitForExit();
            return new Result(code, Files.readString(out, StandardCharsets.UTF_8));
        } catch (LaunchException e) {
            throw failed(e);
        } catch (IOException e) {
            throw failed(e);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException e) {
                // the pod's directory goes with the pod
            }
        }
    }

    /**
     * Removes the pod (one unit) {@code uuid}, once its app has ended, and whatever is left of
     * it. A launch on another thread of this JVM spawns its app with a copy of every descriptor
     * of the JVM, this pod's lock among them, which the app holds until it execs (they are all
     * close-on-exec): the pod looks held meanwhile, so this waits for that copy to go.
     */
    static void remove(Pods pods, String uuid) throws IOException, InterruptedException {
        java.util.Optional<PodStatus> pod = pods.store().locate(uuid);
        while (pod.isPresent() && pod.get().exit() != null && pods.store().isHeld(pod.get())) {
            Thread.sleep(10);
            pod = pods.store().locate(uuid);
        }
        if (pod.isPresent()) {
            pods.remove(pod.get(), true);
        }
    }

    static JrunException failed(LaunchException e) {
        return new JrunException(e.exitCode(), e.getMessage(), e);
    }

    static JrunException failed(IOException e) {
        return new JrunException(JrunException.JRUN_ERROR, e.getMessage(), e);
    }
}
