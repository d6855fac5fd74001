package io.jrun.api;

import io.jrun.runtime.AppPods;
import io.jrun.runtime.AppRequest;
import io.jrun.runtime.PodRequest;
import io.jrun.runtime.Pods;
import io.jrun.runtime.RunningAppPod;
import io.jrun.runtime.pod.AppPodRecord;
import io.jrun.runtime.pod.PodExit;
import io.jrun.runtime.pod.PodStatus;

import io.jrun.runtime.launch.LaunchException;
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
public final class Pod extends Supervised {
    private final AppPods appPods;

    private Pod(Pods pods, AppPods appPods, RunningAppPod running, String name, Output output) {
        super(pods, "pod", running.uuid(), name, output, running::runToEnd);
        this.appPods = appPods;
    }

    static Pod start(Pods pods, AppPods appPods, PodRequest request, Output output)
            throws JrunException, InterruptedException {
        RunningAppPod running;
        try {
            running = appPods.prepare(request, Engine.stdio(output), uuid -> { });
        } catch (LaunchException e) { // the pod's cgroup or pause process could not be made
            throw Engine.failed(e);
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
                if (suppressed != e) { // the launch's own failure, which close() throws again
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Waits until each main app has been launched (or the pod has ended); a pod whose init app failed throws. */
    private void awaitStarted(List<AppRequest> mains) throws JrunException, InterruptedException {
        while (true) {
            if (!isRunning()) {
                int code = exitCode(); // throws the launch's failure
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
                if (status != null && status.exit() != null && PodExit.LAUNCH_FAILED.equals(status.exit().reason())) {
                    waitFor(); // the pod stops its other apps and ends with this launch's failure, which this throws
                }
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
        checkOpen();
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

    @Override
    void signalStop(Duration timeout) throws IOException, JrunException {
        appPods.stop(record(), OptionalInt.empty(), timeout, timeout.isZero());
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

    @Override
    void remove() throws IOException, InterruptedException {
        AppPodRecord record = appPods.find(id).orElse(null);
        if (record != null) {
            for (AppPodRecord.App app : record.apps()) {
                if (app.unit() != null) {
                    Engine.remove(pods, app.unit()); // as a container's, once no launch holds its lock
                }
            }
            appPods.remove(record, true);
        }
    }
}
