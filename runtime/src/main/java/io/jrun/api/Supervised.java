package io.jrun.api;

import io.jrun.runtime.Pods;

import java.io.IOException;
import java.time.Duration;

/**
 * What a started {@link Container} and {@link Pod} share: this JVM supervises them, so it
 * waits for them, stops them, and removes them on {@link #close()}. Safe to share between
 * threads.
 *
 * <pre>{@code
 * try (Container c = jrun.container("busybox").command("sleep", "60").start()) {
 *     if (!c.waitFor(Duration.ofSeconds(1))) c.stop();
 *     System.out.println(c.exitCode());
 * }
 * }</pre>
 */
public abstract sealed class Supervised implements AutoCloseable permits Container, Pod {
    /** How long {@link #stop()} and {@link #close()} wait after the StopSignal before SIGKILL (docker's 10 s). */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    final Pods pods;
    final String id;
    final String name;
    final Output output;
    private final String label;
    private final Exit exit;
    private volatile boolean closed;
    private volatile Runnable whenClosed = () -> { };

    Supervised(Pods pods, String kind, String id, String name, Output output, Exit.Wait wait) {
        this.pods = pods;
        this.id = id;
        this.name = name;
        this.output = output;
        this.label = kind + " " + (name != null ? name : id);
        this.exit = new Exit("jrun-" + kind + "-" + id.substring(0, 8), wait);
    }

    /**
     * The pod's UUID, as {@code jrun list} shows it.
     *
     * <pre>{@code System.out.println(container.id());}</pre>
     */
    public final String id() {
        return id;
    }

    /**
     * The name it was given ({@link ContainerBuilder#name(String)}, {@link Jrun#pod(String)}), or null.
     *
     * <pre>{@code container.name()}</pre>
     */
    public final String name() {
        return name;
    }

    /** "container NAME" or "pod NAME" (the UUID without a name), for messages. */
    final String label() {
        return label;
    }

    /**
     * Whether its app (a pod: any app) still runs.
     *
     * <pre>{@code while (c.isRunning()) { ... }}</pre>
     */
    public final boolean isRunning() {
        return !exit.done();
    }

    /**
     * Waits until it has ended and returns its exit code: the app's own, 128 + N when signal N
     * ended it; a pod's is its apps' first non-zero code in start order, else 0.
     *
     * <pre>{@code int code = c.waitFor();}</pre>
     *
     * @throws JrunException when its exit cannot be recorded
     */
    public final int waitFor() throws JrunException, InterruptedException {
        return exit.await();
    }

    /**
     * Waits at most {@code timeout} for it to end; true if it has.
     *
     * <pre>{@code if (!c.waitFor(Duration.ofSeconds(5))) c.stop();}</pre>
     */
    public final boolean waitFor(Duration timeout) throws JrunException, InterruptedException {
        return exit.await(timeout);
    }

    /**
     * Its exit code once it has ended (as {@link Process#exitValue()}).
     *
     * <pre>{@code c.waitFor(); int code = c.exitCode();}</pre>
     *
     * @throws IllegalStateException while it runs
     */
    public final int exitCode() throws JrunException {
        return exit.code(label);
    }

    /**
     * Stops it with its image's StopSignal (SIGTERM unless the image says otherwise; a pod:
     * each app's, the last started first), then SIGKILL after {@link #STOP_TIMEOUT}; returns
     * its exit code. One that has ended is left as it is.
     *
     * <pre>{@code int code = c.stop();}</pre>
     */
    public final int stop() throws JrunException, InterruptedException {
        return stop(STOP_TIMEOUT);
    }

    /**
     * As {@link #stop()}, with SIGKILL after {@code timeout} ({@link Duration#ZERO}: at once).
     *
     * <pre>{@code c.stop(Duration.ofSeconds(2));}</pre>
     */
    public final int stop(Duration timeout) throws JrunException, InterruptedException {
        if (!exit.done()) {
            try {
                signalStop(timeout);
            } catch (IOException e) {
                throw Engine.failed(e);
            }
        }
        return exit.await();
    }

    /** Sends the stop signals, SIGKILL after {@code timeout}, and returns once it has ended. */
    abstract void signalStop(Duration timeout) throws IOException, JrunException;

    /** Removes what is left of it once it has ended. */
    abstract void remove() throws IOException, InterruptedException;

    /** Throws when it is closed: what it wrote went with it. */
    final void checkOpen() {
        if (closed) {
            throw new IllegalStateException(label + " is closed (removed)");
        }
    }

    /**
     * Stops it as {@link #stop()} does if it runs, and removes it with its output and file
     * system changes (a pod: its apps and namespaces). Closing again does nothing.
     *
     * @throws JrunException when it ended in a failure (as {@link #waitFor()} throws it), once it is removed
     *
     * <pre>{@code try (Container c = ...start()) { ... } // removed here}</pre>
     */
    @Override
    public final void close() throws JrunException, InterruptedException {
        if (closed) {
            return;
        }
        JrunException ended = null;
        try {
            stop();
        } catch (JrunException e) {
            ended = e; // its exit could not be recorded, or its launch failed: it goes all the same
        }
        try {
            remove();
        } catch (IOException e) {
            JrunException failed = Engine.failed(e);
            if (ended != null) {
                failed.addSuppressed(ended);
            }
            throw failed;
        }
        closed = true;
        whenClosed.run();
        if (ended != null) {
            throw ended;
        }
    }

    /** What {@link Jrun} does once this is closed: forgets it. */
    final void whenClosed(Runnable action) {
        whenClosed = action;
    }
}
