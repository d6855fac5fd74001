package io.jrun.api;

import io.jrun.runtime.Pods;
import io.jrun.runtime.RunningPod;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.pod.PodStatus;
import io.jrun.runtime.prepare.RunRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * A started container (a pod of one app) supervised by this JVM: wait for it, read its
 * output, run commands in it, stop it; {@link #close()} stops and removes it, so
 * try-with-resources leaves nothing behind. Safe to share between threads.
 *
 * <pre>{@code
 * try (Container web = jrun.container("busybox").command("httpd", "-f", "-p", "8080").start()) {
 *     Result ps = web.exec("ps");
 *     web.stop();
 * }
 * }</pre>
 */
public final class Container extends Supervised {
    private Container(Pods pods, RunningPod pod, String name, Output output) {
        super(pods, "container", pod.uuid(), name, output, pod::waitForExit);
    }

    static Container start(Pods pods, RunRequest request, Output output) throws JrunException, InterruptedException {
        String[] created = new String[1];
        JrunException failure;
        try {
            return new Container(pods, pods.run(request, Engine.stdio(output), uuid -> created[0] = uuid), request.name(),
                    output);
        } catch (LaunchException e) {
            failure = Engine.failed(e);
        } catch (IOException e) {
            failure = Engine.failed(e);
        }
        // the engine keeps a pod that failed to launch, with exit.json saying why, for jrun status;
        // the caller has no handle to remove it by, so it goes (the exception says why)
        if (created[0] != null) {
            try {
                Engine.remove(pods, created[0]);
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    @Override
    void signalStop(Duration timeout) throws IOException {
        PodStatus pod = pods.store().locate(id).orElse(null);
        if (pod != null) {
            pods.stop(pod, timeout, timeout.isZero());
        }
    }

    @Override
    void remove() throws IOException, InterruptedException {
        Engine.remove(pods, id);
    }

    /**
     * Everything the app has written to its standard output and error so far, in order.
     *
     * <pre>{@code c.waitFor(); assert c.logs().equals("hi\n");}</pre>
     *
     * @throws IllegalStateException when its output is not {@link Output#CAPTURE}d, or it is closed
     */
    public String logs() throws JrunException {
        try (InputStream in = logStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Engine.failed(e);
        }
    }

    /**
     * The app's captured output as a stream, from its start to what it has written so far.
     *
     * <pre>{@code try (var lines = new BufferedReader(new InputStreamReader(c.logStream()))) { ... }}</pre>
     *
     * @throws IllegalStateException when its output is not {@link Output#CAPTURE}d, or it is closed
     */
    public InputStream logStream() throws JrunException {
        try {
            return Files.newInputStream(Engine.log(pod(), output, label()));
        } catch (IOException e) {
            throw Engine.failed(e);
        }
    }

    /**
     * Runs a command in the running container (as {@code jrun enter}, {@code docker exec}):
     * in its namespaces and root, as its user, with its capabilities and seccomp filter; waits
     * for it and returns its exit code and output.
     *
     * <pre>{@code Result ps = c.exec("ps", "-o", "pid,comm");}</pre>
     *
     * @throws JrunException when the container does not run, or the command cannot be
     *                       started (127: not found, 126: cannot be executed)
     */
    public Result exec(String... command) throws JrunException, InterruptedException {
        return Engine.exec(pods, pod(), List.of(command));
    }

    private PodStatus pod() throws JrunException {
        checkOpen();
        try {
            return pods.store().locate(id).orElseThrow(() -> new JrunException(JrunException.JRUN_ERROR,
                    label() + " is gone from the state directory: something else removed it (jrun rm, gc)", null));
        } catch (IOException e) {
            throw Engine.failed(e);
        }
    }
}
