package io.jrun.api;

import io.jrun.runtime.AppPods;
import io.jrun.runtime.AppRequest;
import io.jrun.runtime.PodRequest;
import io.jrun.runtime.Pods;
import io.jrun.runtime.RunningAppPod;
import io.jrun.runtime.pod.AppPodRecord;
import io.jrun.runtime.pod.PodStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * A started pod of several apps, supervised by this JVM: wait for it, read each app's
 * output, run commands in an app, stop it; {@link #close()} stops and removes it, so
 * try-with-resources leaves nothing behind. Safe to share between threads.
 *
 * <p>The pod ends when all its apps have ended; its exit code is the first non-zero exit code
 * of its apps in start order, else 0.
 *
 * <pre>{@code
 * try (Pod pod = jrun.pod("web").app(App.of("server", "busybox").command("httpd", "-f", "-p", "8080"))
 *         .app(App.of("client", "busybox").command("sleep", "60")).start()) {
 *     Result page = pod.exec("client", "wget", "-qO-", "http://127.0.0.1:8080/");
 * }
 * }</pre>
 */
public final class Pod implements AutoCloseable {
    private final Pods pods;
    private final AppPods appPods;
    private final String id;
    private final String name;
    private final Output output;
    private final Exit exit;
    private volatile boolean closed;
    private volatile Runnable whenClosed = () -> { };

    private Pod(Pods pods, AppPods appPods, RunningAppPod running, String name, Output output) {
        this.pods = pods;
        this.appPods = appPods;
        this.id = running.uuid();
        this.name = name;
        this.output = output;
        this.exit = new Exit("jrun-pod-" + id.substring(0, 8), running::runToEnd);
    }

    static Pod start(Pods pods, AppPods appPods, PodRequest request, Output output)
            throws JrunException, InterruptedException {
        RunningAppPod running;
        try {
            running = appPods.prepare(request, Engine.stdio(output), uuid -> { });
        } catch (IOException e) {
            throw Engine.failed(e);
        }
        Pod pod = new Pod(pods, appPods, running, request.name(), output);
        try {
            pod.awaitStarted(request.mainApps());
            return pod;
        } catch (JrunException | InterruptedException | RuntimeException e) {
            try {
                pod.close();
            } catch (JrunException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Waits until each main app has been launched (or the pod has ended); a pod whose init app failed throws. */
    private void awaitStarted(List<AppRequest> mains) throws JrunException, InterruptedException {
        while (true) {
            if (exit.done()) {
                int code = exit.code(label()); // throws the launch's failure
                AppPodRecord record = record();
                for (AppPodRecord.App app : record.apps()) {
                    if (!app.init() && app.unit() == null) {
                        throw new JrunException(code, "an init app of pod " + record.label() + " exited with " + code
                                + ": its other apps were not started; " + initOutput(record), null);
                    }
                }
                return;
            }
            AppPodRecord record = record();
            boolean all = true;
            for (AppRequest main : mains) {
                String unit = record.app(main.name()).unit();
                PodStatus status = unit == null ? null : locate(unit);
                all &= status != null && (status.process() != null || status.exit() != null);
            }
            if (all) {
                return;
            }
            Thread.sleep(10);
        }
    }

    /** What the failed init app wrote, when captured, for the message (the pod goes with its output). */
    private String initOutput(AppPodRecord record) {
        for (AppPodRecord.App app : record.apps()) {
            PodStatus unit = app.init() && app.unit() != null ? locate(app.unit()) : null;
            if (unit != null && unit.exit() != null && unit.exit().exitCode() != 0) {
                String written = "";
                try {
                    written = output == Output.CAPTURE ? Files.readString(unit.dir().resolve(Engine.LOG)).strip() : "";
                } catch (IOException e) {
                    // no output to show
                }
                return "init app " + app.name() + (written.isEmpty() ? " wrote nothing" : " wrote: "
                        + written.replace('\n', ' '));
            }
        }
        return "see its init apps";
    }

    private PodStatus locate(String unit) {
        try {
            return pods.store().locate(unit).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private AppPodRecord record() throws JrunException {
        if (closed) {
            throw new IllegalStateException(label() + " is closed (removed)");
        }
        try {
            return appPods.find(id).orElseThrow(() -> new JrunException(JrunException.JRUN_ERROR, label()
                    + " is gone from the state directory: something else removed it (jrun rm, gc)", null));
        } catch (IOException e) {
            throw Engine.failed(e);
        }
    }

    /** The running (or ended) unit of {@code app}. */
    private PodStatus unit(String app) throws JrunException {
        try {
            return appPods.unit(record(), app);
        } catch (IOException e) {
            throw Engine.failed(e);
        }
    }

    private String label() {
        return "pod " + name;
    }

    /**
     * The pod's UUID, as {@code jrun list} shows it.
     *
     * <pre>{@code pod.id()}</pre>
     */
    public String id() {
        return id;
    }

    /**
     * The pod's name, as given to {@link Jrun#pod(String)}.
     *
     * <pre>{@code pod.name()}</pre>
     */
    public String name() {
        return name;
    }

    /**
     * Whether any app of the pod still runs (or will: a restart).
     *
     * <pre>{@code pod.isRunning()}</pre>
     */
    public boolean isRunning() {
        return !exit.done();
    }

    /**
     * Waits until the pod has ended and returns its exit code.
     *
     * <pre>{@code int code = pod.waitFor();}</pre>
     */
    public int waitFor() throws JrunException, InterruptedException {
        return exit.await();
    }

    /**
     * Waits at most {@code timeout} for the pod to end; true if it has.
     *
     * <pre>{@code if (!pod.waitFor(Duration.ofSeconds(5))) pod.stop();}</pre>
     */
    public boolean waitFor(Duration timeout) throws JrunException, InterruptedException {
        return exit.await(timeout);
    }

    /**
     * The pod's exit code once it has ended.
     *
     * <pre>{@code pod.waitFor(); pod.exitCode();}</pre>
     *
     * @throws IllegalStateException while it runs
     */
    public int exitCode() throws JrunException {
        return exit.code(label());
    }

    /**
     * Stops every app, the last started first, each with its image's StopSignal, SIGKILL
     * after {@link Container#STOP_TIMEOUT}; returns the pod's exit code.
     *
     * <pre>{@code pod.stop();}</pre>
     */
    public int stop() throws JrunException, InterruptedException {
        return stop(Container.STOP_TIMEOUT);
    }

    /**
     * As {@link #stop()}, with SIGKILL after {@code timeout} ({@link Duration#ZERO}: at once).
     *
     * <pre>{@code pod.stop(Duration.ofSeconds(1));}</pre>
     */
    public int stop(Duration timeout) throws JrunException, InterruptedException {
        if (!exit.done()) {
            try {
                appPods.stop(record(), OptionalInt.empty(), timeout, timeout.isZero());
            } catch (IOException e) {
                throw Engine.failed(e);
            }
        }
        return exit.await();
    }

    /**
     * Everything {@code app} has written to its standard output and error so far (since its
     * last restart), in order.
     *
     * <pre>{@code String served = pod.logs("server");}</pre>
     *
     * @throws IllegalArgumentException when the pod has no such app, or it has not started yet
     * @throws IllegalStateException    when the output is not {@link Output#CAPTURE}d, or the pod is closed
     */
    public String logs(String app) throws JrunException {
        try {
            return Files.readString(Engine.log(unit(app), output, label() + "'s app " + app), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Engine.failed(e);
        }
    }

    /**
     * Runs a command in the running {@code app} (as {@code jrun enter --app}): waits for it and
     * returns its exit code and output.
     *
     * <pre>{@code Result ls = pod.exec("server", "ls", "/www");}</pre>
     *
     * @throws JrunException when the app does not run, or the command cannot be started
     *                       (127: not found, 126: cannot be executed)
     */
    public Result exec(String app, String... command) throws JrunException, InterruptedException {
        return Engine.exec(pods, unit(app), List.of(command));
    }

    /**
     * Stops the pod as {@link #stop()} does if it runs, and removes it: its apps, their output,
     * its namespaces. Closing again does nothing.
     *
     * <pre>{@code try (Pod pod = ...start()) { ... } // removed here}</pre>
     */
    @Override
    public void close() throws JrunException, InterruptedException {
        if (closed) {
            return;
        }
        stop();
        try {
            AppPodRecord record = appPods.find(id).orElse(null);
            if (record != null) {
                for (AppPodRecord.App app : record.apps()) {
                    if (app.unit() != null) {
                        Engine.remove(pods, app.unit()); // as a container's, once no launch holds its lock
                    }
                }
                appPods.remove(record, true);
            }
        } catch (IOException e) {
            throw Engine.failed(e);
        }
        closed = true;
        whenClosed.run();
    }

    void whenClosed(Runnable action) {
        whenClosed = action;
    }
}
