package io.jrun.runtime;

import io.jrun.linux.Uuids;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.pod.AppPodRecord;
import io.jrun.runtime.pod.AppPodStore;
import io.jrun.runtime.pod.PodPause;
import io.jrun.runtime.pod.PodStatus;
import io.jrun.runtime.pod.PodVolumes;
import io.jrun.runtime.pod.SharedNamespaces;
import io.jrun.runtime.prepare.MountSpec;
import io.jrun.runtime.prepare.Network;
import io.jrun.runtime.prepare.RunRequest;
import io.jrun.runtime.spec.Namespace;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The engine for pods of several apps ({@link PodRequest}), over {@link Pods}: the pod's own
 * part (its record, shared namespaces and lifecycle) is here, and each app runs as one unit of
 * the pod store, launched, supervised, stopped and collected as a one-app pod is.
 *
 * <pre>{@code
 * AppPods apps = AppPods.of(Pods.open(Path.of("/var/lib/jrun")));
 * RunningAppPod pod = apps.prepare(request, Stdio.inherit(), uuid -> { });
 * int exitCode = pod.runToEnd();
 * }</pre>
 */
public final class AppPods {
    /** How long an app restarted {@code always} gets to stop once the pod's other apps have ended. */
    static final Duration SIDECAR_STOP_TIMEOUT = Duration.ofSeconds(10);
    private final Pods pods;
    private final AppPodStore store;

    private AppPods(Pods pods, AppPodStore store) {
        this.pods = pods;
        this.store = store;
    }

    public static AppPods of(Pods pods) throws IOException {
        return new AppPods(pods, AppPodStore.open(pods.store()));
    }

    public AppPodStore store() {
        return store;
    }

    /**
     * Makes the pod (its record and shared namespaces) for a run in the foreground; nothing
     * runs yet: {@link RunningAppPod#runToEnd()} runs it. {@code created} learns its UUID.
     */
    public RunningAppPod prepare(PodRequest request, Stdio stdio, Consumer<String> created)
            throws LaunchException, IOException {
        Made made = make(request, created);
        return new RunningAppPod(pods, this, store, made.lease(), request, stdio, made.shared());
    }

    /** A pod's record, held, and its namespaces. */
    private record Made(AppPodStore.Lease lease, List<Namespace> shared) {
    }

    private Made make(PodRequest request, Consumer<String> created) throws LaunchException, IOException {
        String uuid = Uuids.random().toString();
        String hostname = request.hostname() != null ? request.hostname() : Pods.defaultHostname(request.network(), uuid);
        Pods.checkHostname(hostname);
        Path catatonit = request.sharePid() ? PodPause.catatonit() : null; // before anything is made
        List<AppPodRecord.App> apps = request.apps().stream()
                .map(a -> new AppPodRecord.App(a.name(), a.init(), a.restart().toString(), null, 0)).toList();
        AppPodStore.Lease lease = store.create(new AppPodRecord(uuid, request.name(), hostname,
                request.network().label(), Instant.now(), apps, null));
        try {
            created.accept(uuid);
            Optional<PodCgroup> cgroup = AppPodCgroup.create(lease.record().dir(), uuid, request);
            PodVolumes.create(lease.record().dir(), request.volumes());
            List<Namespace> shared = new ArrayList<>(SharedNamespaces.create(lease.namespaces(), hostname,
                    request.network().isHost()));
            if (request.network().isCni()) {
                io.jrun.runtime.net.PodNetwork.attach(lease.namespaces(), uuid, request.network()); // before any app runs
            }
            if (catatonit != null) {
                shared.add(PodPause.start(lease.namespaces(), catatonit, cgroup.map(PodCgroup::dir)));
            }
            return new Made(lease, List.copyOf(shared));
        } catch (LaunchException | IOException | RuntimeException e) {
            try {
                SharedNamespaces.release(lease.namespaces()); // CNI DEL, the pause, the nsfs files
            } catch (IOException | RuntimeException released) {
                e.addSuppressed(released);
            }
            lease.close();
            store.remove(lease.record()); // its cgroup and namespaces too
            throw e;
        }
    }

    /**
     * What an app of a pod runs as: a request for one unit of the pod store in the pod's
     * namespaces, its cgroup a child of the pod's ({@link AppPodCgroup}), with the pod's volumes
     * it mounts bound after its own mounts.
     */
    static RunRequest unitRequest(PodRequest pod, AppRequest app, AppPodRecord record, List<Namespace> shared)
            throws IOException {
        List<MountSpec> mounts = new ArrayList<>(app.process().mounts());
        List<String> asTyped = new ArrayList<>(app.process().volumeArgs());
        for (PodVolume.Mount m : app.volumeMounts()) {
            mounts.add(new MountSpec.Bind(PodVolumes.path(record.dir(), m.volume()), m.target(), m.readOnly()));
            asTyped.add("pod volume " + m.volume() + ":" + m.target() + (m.readOnly() ? ":ro" : ""));
        }
        return app.process().toBuilder().name(pod.name() == null ? null : pod.name() + "." + app.name())
                .hostname(record.hostname()).network(pod.network()).joinNamespaces(shared).mounts(mounts, asTyped)
                .cgroupParent(AppPodCgroup.appParent(record.dir()).orElse(null)).build();
    }

    /**
     * Runs the pod detached: each app under its own conmon. The init apps run first, one after
     * another, this jrun waiting for each; then the others start, and this returns the pod's
     * UUID once they run, leaving nothing of this JVM behind. A failing init app fails the pod:
     * a LaunchException with its exit code, the other apps never started.
     */
    public String runDetached(PodRequest request, Conmon.Programs programs, Consumer<String> created)
            throws LaunchException, IOException {
        for (AppRequest app : request.apps()) {
            if (app.restart().kind() != RestartPolicy.Kind.NO) {
                throw new IllegalArgumentException("app " + app.name() + ": --restart " + app.restart() + " needs a"
                        + " supervisor that stays, and conmon does not restart: run the pod in the foreground (without -d)");
            }
        }
        if (request.removeOnExit()) {
            throw new IllegalArgumentException("--rm with -d and several apps is not supported: remove the pod with jrun rm");
        }
        // each app under its own conmon, its output in its k8s-file log; no readiness protocol for a
        // pod of several apps yet (--sd-notify is a one-app option)
        Conmon.Supervision supervision = new Conmon.Supervision(programs, Conmon.LogDriver.K8S_FILE,
                SdNotify.of("ignore", java.util.Map.of(), true));
        Made made = make(request, created);
        AppPodStore.Lease lease = made.lease();
        List<String> started = new ArrayList<>();
        boolean launched = false;
        try {
            for (AppRequest app : request.initApps()) {
                String unit = pods.runDetached(unitRequest(request, app, lease.record(), made.shared()), supervision, u -> { });
                lease.update(lease.record().app(app.name()).withUnit(unit, 0));
                PodStatus ended = pods.awaitExit(pods.store().locate(unit).orElseThrow());
                int code = ended.exit() == null || !ended.exit().exitCodeKnown() ? LaunchException.JRUN_ERROR
                        : ended.exit().exitCode();
                if (code != 0) {
                    throw initFailed(lease.record(), app.name(), code);
                }
            }
            for (AppRequest app : request.mainApps()) {
                String unit = pods.runDetached(unitRequest(request, app, lease.record(), made.shared()), supervision, u -> { });
                started.add(unit);
                lease.update(lease.record().app(app.name()).withUnit(unit, 0));
            }
            launched = true;
            return lease.record().uuid();
        } finally {
            if (!launched) {
                stopUnits(started.reversed(), Duration.ZERO, true);
                SharedNamespaces.release(lease.namespaces()); // nothing of the pod runs: its namespaces go
            }
            lease.close();
        }
    }

    static LaunchException initFailed(AppPodRecord pod, String app, int code) {
        return new LaunchException(code, "init app " + app + " of pod " + pod.label() + " exited with " + code
                + ": the pod's other apps were not started (jrun status " + pod.label() + " shows it)");
    }

    private void stopUnits(List<String> units, Duration timeout, boolean force) throws IOException {
        for (String unit : units) {
            Optional<PodStatus> status = pods.store().locate(unit);
            if (status.isPresent() && Pods.runs(status.get())) {
                pods.stop(status.get(), timeout, force);
            }
        }
    }

    // ---------------------------------------------------------------- managing pods of several apps

    /** The pod of several apps named by {@code nameOrUuid} (name, UUID, unique UUID prefix); empty if none. */
    public Optional<AppPodRecord> find(String nameOrUuid) throws IOException {
        return store.find(nameOrUuid);
    }

    /** The pod's CNI attachment while it has one; empty for none and host. */
    public Optional<io.jrun.runtime.net.PodNetwork.Attached> network(AppPodRecord pod) throws IOException {
        return io.jrun.runtime.net.PodNetwork.read(pod.dir().resolve(AppPodStore.NS));
    }

    /** Every pod of several apps, oldest first. */
    public List<AppPodRecord> list() throws IOException {
        return store.list();
    }

    /** One app of a pod as it is now: its record, and its unit (null before it is made, or once removed). */
    public record AppStatus(AppPodRecord.App app, PodStatus unit) {
        /** The app's state: its unit's, or "waiting" before it is made (an app after a running init app). */
        public String state() {
            return unit == null ? "waiting" : unit.state().toString().toLowerCase(java.util.Locale.ROOT)
                    + (unit.abandoned() ? " (abandoned)" : "");
        }
    }

    /** The pod's apps, in their order. */
    public List<AppStatus> apps(AppPodRecord pod) throws IOException {
        List<AppStatus> result = new ArrayList<>();
        for (AppPodRecord.App app : pod.apps()) {
            result.add(new AppStatus(app, app.unit() == null ? null : pods.store().locate(app.unit()).orElse(null)));
        }
        return result;
    }

    /**
     * The pod's phase, rkt's way: running while a jrun supervises it or any app runs; exited
     * once every app has ended.
     */
    public String phase(AppPodRecord pod) throws IOException {
        if (store.held(pod)) {
            return "running";
        }
        for (AppStatus a : apps(pod)) {
            if (a.unit() != null && Pods.runs(a.unit())) {
                return "running";
            }
        }
        return "exited";
    }

    /** The pod's cgroup directory, the parent of its apps' cgroups, while it exists (until the pod is removed). */
    public Optional<java.nio.file.Path> cgroup(AppPodRecord pod) throws IOException {
        return AppPodCgroup.of(pod.dir()).filter(io.jrun.runtime.cgroup.PodCgroup::exists)
                .map(io.jrun.runtime.cgroup.PodCgroup::dir);
    }

    /** A running pod's resource use from its cgroup, all its apps together; empty if it has none or has exited. */
    public Optional<io.jrun.runtime.cgroup.CgroupUsage> usage(AppPodRecord pod) throws IOException {
        Optional<io.jrun.runtime.cgroup.PodCgroup> cgroup = AppPodCgroup.of(pod.dir())
                .filter(io.jrun.runtime.cgroup.PodCgroup::exists);
        if (cgroup.isEmpty() || !phase(pod).equals("running")) {
            return Optional.empty();
        }
        return Optional.of(cgroup.get().usage());
    }

    /** One app's unit in the pod store, for jrun logs/enter --app; IllegalArgumentException if it has none yet. */
    public PodStatus unit(AppPodRecord pod, String appName) throws IOException {
        AppPodRecord.App app = store.reread(pod).orElse(pod).app(appName);
        if (app.unit() == null) {
            throw new IllegalArgumentException("app " + appName + " of pod " + pod.label()
                    + " has not started yet: it waits for the pod's init apps");
        }
        return pods.store().locate(app.unit()).orElseThrow(() -> new IllegalArgumentException("app " + appName
                + " of pod " + pod.label() + " was removed"));
    }

    /**
     * Stops every app of the pod, each with its own StopSignal (or {@code signal}), the last
     * started first, SIGKILL after {@code timeout}; no app restarts any more. Returns once the
     * pod has ended, its supervising jrun too.
     */
    public void stop(AppPodRecord pod, java.util.OptionalInt signal, Duration timeout, boolean force) throws IOException {
        store.markStopping(pod);
        AppPodRecord now = store.reread(pod).orElse(pod);
        List<String> units = new ArrayList<>();
        for (AppPodRecord.App app : now.apps().reversed()) {
            if (app.unit() != null) {
                units.add(app.unit());
            }
        }
        for (String unit : units) {
            Optional<PodStatus> status = pods.store().locate(unit);
            if (status.isPresent()) {
                pods.stop(status.get(), signal, timeout, force);
            }
        }
        awaitSupervisor(pod);
        // an app its supervisor started meanwhile (a restart that came before the mark) ends too
        AppPodRecord after = store.reread(pod).orElse(now);
        if (!after.equals(now)) {
            stop(after, signal, timeout, force);
        }
    }

    /** Blocks until every app of the pod has ended and no jrun supervises it; reads it again. */
    public AppPodRecord awaitExit(AppPodRecord pod) throws IOException {
        while (true) {
            awaitSupervisor(pod);
            AppPodRecord now = store.reread(pod).orElse(pod);
            for (AppStatus a : apps(now)) {
                if (a.unit() != null) {
                    pods.awaitExit(a.unit());
                }
            }
            if (!phase(now).equals("running")) {
                return now;
            }
        }
    }

    private void awaitSupervisor(AppPodRecord pod) throws IOException {
        while (store.held(pod)) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for pod " + pod.label() + " to end");
            }
        }
    }

    /**
     * Removes the pod: its apps' units, its namespaces and its record. A pod with a running app
     * is refused unless {@code force}, which kills its apps first.
     */
    public void remove(AppPodRecord pod, boolean force) throws IOException {
        if (phase(pod).equals("running")) {
            if (!force) {
                throw new IllegalStateException("pod " + pod.label() + " is running: stop it first (jrun stop), or pass --force");
            }
            stop(pod, java.util.OptionalInt.empty(), Duration.ZERO, true);
        }
        AppPodRecord now = store.reread(pod).orElse(pod);
        for (AppStatus a : apps(now)) {
            if (a.unit() != null) {
                pods.remove(a.unit(), false);
            }
        }
        store.remove(now);
    }
}
