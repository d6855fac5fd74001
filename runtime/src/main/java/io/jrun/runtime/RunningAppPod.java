package io.jrun.runtime;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Processes;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.pod.AppPodRecord;
import io.jrun.runtime.pod.AppPodStore;
import io.jrun.runtime.pod.PodStatus;
import io.jrun.runtime.pod.SharedNamespaces;
import io.jrun.runtime.prepare.RunRequest;
import io.jrun.runtime.spec.Namespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pod of several apps supervised by this JVM in the foreground, which is where its restart
 * policies live: a thread per app waits for it and starts it again (as a new unit of the pod
 * store, the exited one removed) when its policy says so and the pod is not stopping. It holds
 * the pod's lock until the pod has ended; then the pod's namespaces are released.
 *
 * <p>The pod ends when its apps that do not restart {@code always} have all ended; its
 * {@code always} apps (sidecars) are then stopped with their StopSignal. Its exit code is the
 * first non-zero final exit code of those apps in start order, else 0; a failing init app ends
 * the pod at once with its exit code.
 */
public final class RunningAppPod {
    private final Pods pods;
    private final AppPods apps;
    private final AppPodStore store;
    private final AppPodStore.Lease lease;
    private final PodRequest request;
    private final Stdio stdio;
    private final List<Namespace> shared;
    private final Map<String, RunningPod> running = new LinkedHashMap<>(); // guarded by this
    private volatile boolean stopping;

    RunningAppPod(Pods pods, AppPods apps, AppPodStore store, AppPodStore.Lease lease, PodRequest request, Stdio stdio,
                  List<Namespace> shared) {
        this.pods = pods;
        this.apps = apps;
        this.store = store;
        this.lease = lease;
        this.request = request;
        this.stdio = stdio;
        this.shared = shared;
    }

    public String uuid() {
        return lease.record().uuid();
    }

    /**
     * Sends {@code signal} to every app that runs now, the last started first, and ends the
     * pod: no app restarts any more (the user's Ctrl-C, systemd's SIGTERM).
     */
    public void signal(int signal) throws ErrnoException {
        stopping = true;
        List<RunningPod> now;
        synchronized (this) {
            now = new ArrayList<>(running.values());
        }
        for (RunningPod unit : now.reversed()) {
            try {
                unit.signal(signal);
            } catch (ErrnoException e) {
                // it ended meanwhile
            }
        }
    }

    private boolean stopping() {
        return stopping || lease.stopping();
    }

    /**
     * Runs the pod to its end: the init apps one after another, then the others, restarted as
     * their policies say; returns the pod's exit code (see the class comment). Throws a
     * LaunchException with docker's code when an app cannot be launched; the apps started
     * before it are then stopped. Either way the pod's namespaces are released, and with
     * {@code --rm} the pod removed.
     */
    public int runToEnd() throws LaunchException, IOException {
        try {
            for (AppRequest init : request.initApps()) {
                int code = runInit(init);
                if (code != 0) {
                    if (!stopping()) {
                        System.err.println(AppPods.initFailed(lease.record(), init.name(), code).getMessage());
                    }
                    return code;
                }
            }
            List<AppRequest> mains = request.mainApps();
            int[] codes = new int[mains.size()];
            List<Thread> watchers = new ArrayList<>();
            try {
                for (int i = 0; i < mains.size() && !stopping(); i++) {
                    AppRequest app = mains.get(i);
                    RunningPod unit = start(app, 0);
                    int index = i;
                    watchers.add(Thread.ofPlatform().name("jrun-app-" + app.name())
                            .start(() -> codes[index] = supervise(app, unit)));
                }
            } catch (LaunchException | IOException | RuntimeException e) {
                stopping = true;
                stopAll(Duration.ZERO);
                joinAll(watchers);
                throw e;
            }
            // the pod lives while its apps that do not restart always do
            for (int i = 0; i < watchers.size(); i++) {
                if (mains.get(i).restart().kind() != RestartPolicy.Kind.ALWAYS) {
                    join(watchers.get(i));
                }
            }
            stopping = true;
            stopAll(AppPods.SIDECAR_STOP_TIMEOUT);
            joinAll(watchers);
            for (int i = 0; i < watchers.size(); i++) {
                if (mains.get(i).restart().kind() != RestartPolicy.Kind.ALWAYS && codes[i] != 0) {
                    return codes[i];
                }
            }
            return 0;
        } finally {
            SharedNamespaces.release(lease.namespaces());
            lease.close();
            if (request.removeOnExit()) {
                AppPodRecord pod = store.reread(lease.record()).orElse(lease.record());
                apps.remove(pod, false);
            }
        }
    }

    /** An init app, restarted as its policy says (no or on-failure); its last exit code. */
    private int runInit(AppRequest init) throws LaunchException, IOException {
        int restarts = 0;
        while (true) {
            RunningPod unit = start(init, restarts);
            int code = waitFor(init, unit);
            if (code == 0 || stopping() || !init.restart().restarts(code, restarts)) {
                return code;
            }
            restarts++;
            removeUnit(unit.uuid());
        }
    }

    /** The thread of one app: waits for it, and starts it again while its policy says so; its last exit code. */
    private int supervise(AppRequest app, RunningPod first) {
        RunningPod unit = first;
        int restarts = 0;
        try {
            while (true) {
                int code = waitFor(app, unit);
                if (stopping() || !app.restart().restarts(code, restarts)) {
                    return code;
                }
                restarts++;
                removeUnit(unit.uuid()); // its name is the app's: the new unit takes it
                unit = start(app, restarts);
            }
        } catch (LaunchException e) {
            System.err.println("cannot restart app " + app.name() + ": " + e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            System.err.println("cannot supervise app " + app.name() + ": " + e.getMessage());
            return LaunchException.JRUN_ERROR;
        }
    }

    private void removeUnit(String uuid) throws IOException {
        Optional<PodStatus> status = pods.store().locate(uuid);
        if (status.isPresent()) {
            pods.remove(status.get(), false);
        }
    }

    private RunningPod start(AppRequest app, int restarts) throws LaunchException, IOException {
        AppPodRecord.App recorded = lease.record().app(app.name());
        RunRequest unitRequest = AppPods.unitRequest(request, app, lease.record(), shared);
        RunningPod unit = pods.run(unitRequest, stdio, uuid -> {
            try {
                lease.update(recorded.withUnit(uuid, restarts));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        synchronized (this) {
            running.put(app.name(), unit);
        }
        if (stopping) {
            unit.signal(Processes.SIGKILL); // stopped while it was launched
        }
        return unit;
    }

    private int waitFor(AppRequest app, RunningPod unit) throws IOException {
        int code = unit.waitForExit();
        synchronized (this) {
            running.remove(app.name(), unit);
        }
        return code;
    }

    /** Stops every app that runs, the last started first, each with its StopSignal, SIGKILL after {@code timeout}. */
    private void stopAll(Duration timeout) throws IOException {
        List<RunningPod> now;
        synchronized (this) {
            now = new ArrayList<>(running.values());
        }
        for (RunningPod unit : now.reversed()) {
            Optional<PodStatus> status = pods.store().locate(unit.uuid());
            if (status.isPresent() && Pods.runs(status.get())) {
                pods.stop(status.get(), timeout, timeout.isZero());
            }
        }
    }

    private static void joinAll(List<Thread> threads) {
        threads.forEach(RunningAppPod::join);
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the pod's apps run");
        }
    }
}
