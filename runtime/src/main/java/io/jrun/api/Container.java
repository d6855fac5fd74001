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
public final class Container implements AutoCloseable {
    /** How long {@link #stop()} and {@link #close()} wait after the StopSignal before SIGKILL (docker's 10 s). */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Pods pods;
    private final String id;
    private final String name;
    private final Output output;
    private final Exit exit;
    private volatile boolean closed;
    private volatile Runnable whenClosed = () -> { };

    private Container(Pods pods, RunningPod pod, String name, Output output) {
        this.pods = pods;
        this.id = pod.uuid();
        this.name = name;
        this.output = output;
        this.exit = new Exit("jrun-wait-" + id.substring(0, 8), pod::waitForExit);
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

    /**
     * The pod's UUID, as {@code jrun list} shows it.
     *
     * <pre>{@code System.out.println(container.id());}</pre>
     */
    public String id() {
        return id;
    }

    /**
     * The name given to {@link ContainerBuilder#name(String)}, or null.
     *
     * <pre>{@code container.name()}</pre>
     */
    public String name() {
        return name;
    }

    private String label() {
        return "container " + (name != null ? name : id);
    }

    /**
     * Whether the container's app still runs.
     *
     * <pre>{@code while (c.isRunning()) { ... }}</pre>
     */
    public boolean isRunning() {
        return !exit.done();
    }

    /**
     * Waits until the app has ended and returns its exit code (128 + N when signal N ended it).
     *
     * <pre>{@code int code = c.waitFor();}</pre>
     *
     * @throws JrunException when its exit cannot be recorded
     */
    public int waitFor() throws JrunException, InterruptedException {
        return exit.await();
    }

    /**
     * Waits at most {@code timeout} for the app to end; true if it has.
     *
     * <pre>{@code if (!c.waitFor(Duration.ofSeconds(5))) c.stop();}</pre>
     */
    public boolean waitFor(Duration timeout) throws JrunException, InterruptedException {
        return exit.await(timeout);
    }

    /**
     * The app's exit code once it has ended (as {@link Process#exitValue()}).
     *
     * <pre>{@code c.waitFor(); int code = c.exitCode();}</pre>
     *
     * @throws IllegalStateException while it runs
     */
    public int exitCode() throws JrunException {
        return exit.code(label());
    }

    /**
     * Stops the app with its image's StopSignal (SIGTERM unless the image says otherwise),
     * then SIGKILL after {@link #STOP_TIMEOUT}; returns its exit code. An ended app is left as it is.
     *
     * <pre>{@code int code = c.stop();}</pre>
     */
    public int stop() throws JrunException, InterruptedException {
        return stop(STOP_TIMEOUT);
    }

    /**
     * As {@link #stop()}, with SIGKILL after {@code timeout} ({@link Duration#ZERO}: at once).
     *
     * <pre>{@code c.stop(Duration.ofSeconds(2));}</pre>
     */
    public int stop(Duration timeout) throws JrunException, InterruptedException {
        if (!exit.done()) {
            try {
                PodStatus pod = pods.store().locate(id).orElse(null);
                if (pod != null) {
                    pods.stop(pod, timeout, timeout.isZero());
                }
            } catch (IOException e) {
                throw Engine.failed(e);
            }
        }
        return exit.await();
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
        if (closed) {
            throw new IllegalStateException(label() + " is closed (removed)");
        }
        try {
            return pods.store().locate(id).orElseThrow(() -> new JrunException(JrunException.JRUN_ERROR,
                    label() + " is gone from the state directory: something else removed it (jrun rm, gc)", null));
        } catch (IOException e) {
            throw Engine.failed(e);
        }
    }

    /**
     * Stops the container as {@link #stop()} does if it runs, and removes it with its output
     * and file system changes. Closing again does nothing.
     *
     * <pre>{@code try (Container c = ...start()) { ... } // removed here}</pre>
     */
    @Override
    public void close() throws JrunException, InterruptedException {
        if (closed) {
            return;
        }
        stop();
        try {
            Engine.remove(pods, id);
        } catch (IOException e) {
            throw Engine.failed(e);
        }
        closed = true;
        whenClosed.run();
    }

    /** What {@link Jrun} does once this is closed: forgets it. */
    void whenClosed(Runnable action) {
        whenClosed = action;
    }
}
