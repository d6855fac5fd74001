package io.jrun.runtime;

import io.jrun.images.ImageDetails;
import io.jrun.images.Images;
import io.jrun.images.store.StoreLock;
import io.jrun.linux.Capabilities;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Namespaces;
import io.jrun.linux.Processes;
import io.jrun.linux.Signals;
import io.jrun.linux.Uuids;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.launch.CreatedContainer;
import io.jrun.runtime.launch.Enter;
import io.jrun.runtime.launch.EnterSpec;
import io.jrun.runtime.launch.KernelCompat;
import io.jrun.runtime.launch.LaunchContext;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.launch.LaunchListener;
import io.jrun.runtime.launch.Launcher;
import io.jrun.runtime.launch.RunningContainer;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.pod.PodCollector;
import io.jrun.runtime.pod.PodExit;
import io.jrun.runtime.pod.PodLease;
import io.jrun.runtime.pod.PodManifest;
import io.jrun.runtime.pod.PodProcess;
import io.jrun.runtime.pod.PodSecurity;
import io.jrun.runtime.pod.PodSignals;
import io.jrun.runtime.pod.PodState;
import io.jrun.runtime.pod.PodStatus;
import io.jrun.runtime.pod.PodStore;
import io.jrun.runtime.pod.SharedNamespaces;
import io.jrun.runtime.net.PodNetwork;
import io.jrun.runtime.spec.Namespace;
import io.jrun.runtime.prepare.EffectiveConfig;
import io.jrun.runtime.prepare.Network;
import io.jrun.runtime.prepare.RunRequest;
import io.jrun.runtime.prepare.SecurityOptions;
import io.jrun.runtime.prepare.SpecPreparer;
import io.jrun.runtime.seccomp.SeccompCache;
import io.jrun.runtime.seccomp.SeccompOption;
import io.jrun.runtime.spec.ConsoleSize;
import io.jrun.runtime.spec.Spec;
import io.jrun.runtime.spec.SpecJson;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The container engine's facade: runs images from the store as pods under one state
 * directory. Safe to share between threads and between jrun processes; the CLI is a thin
 * layer over it, and Java programs embed it the same way:
 *
 * <pre>{@code
 * Pods pods = Pods.open(Path.of("/var/lib/jrun"));
 * RunningPod pod = pods.run(request, Stdio.inherit());
 * int exitCode = pod.waitForExit();
 * }</pre>
 */
public final class Pods {
    private final PodStore store;
    private final Images images;
    private final SeccompCache seccompCache;

    private Pods(PodStore store, Images images, SeccompCache seccompCache) {
        this.store = store;
        this.images = images;
        this.seccompCache = seccompCache;
    }

    /**
     * Opens (creating when missing) the pod and image stores under {@code stateDir}; the
     * directories with image and pod content are made, or made again, unreachable to other
     * users (see PrivateDirectory).
     */
    public static Pods open(Path stateDir) throws IOException {
        stateDir = stateDir.toAbsolutePath(); // overlayfs and the launch want absolute paths: --dir ./state works
        PodStore store = PodStore.open(stateDir);
        Path cache = io.jrun.images.store.PrivateDirectory.ensure(stateDir.resolve("cache"));
        return new Pods(store, Images.open(stateDir, store), new SeccompCache(cache.resolve("seccomp")));
    }

    /** The image engine over the same state directory; it spares the images pods use. */
    public Images images() {
        return images;
    }

    public PodStore store() {
        return store;
    }

    /**
     * Creates a pod for {@code request} and starts its app; returns once the app runs. The
     * image must be in the store. Relative paths in {@code stdio} are files in the pod's
     * directory. On failure nothing of the pod remains but its directory in
     * run/ with exit.json saying why (none with --rm), and the exception carries docker's exit
     * code.
     */
    public RunningPod run(RunRequest request, Stdio stdio) throws LaunchException, IOException {
        return run(request, stdio, uuid -> { });
    }

    /** As {@link #run(RunRequest, Stdio)}; {@code created} learns the pod's UUID as soon as it exists. */
    public RunningPod run(RunRequest request, Stdio stdio, Consumer<String> created) throws LaunchException, IOException {
        return run(request, stdio, null, created);
    }

    /**
     * As {@link #run(RunRequest, Stdio, Consumer)}, with the terminal's initial size when the
     * request asks for a terminal ({@code -t}).
     */
    public RunningPod run(RunRequest request, Stdio stdio, ConsoleSize consoleSize, Consumer<String> created)
            throws LaunchException, IOException {
        Prepared prepared = prepare(request, consoleSize, created);
        PodLease lease = prepared.lease();
        Spec spec = prepared.spec();
        PodManifest manifest = prepared.manifest();
        String uuid = lease.uuid();

        LaunchContext context = LaunchContext.builder()
                .id(uuid)
                .bundle(lease.dir())
                .gateDir(lease.dir().resolve(GATE_DIR))
                .stdio(stdio.resolvedIn(lease.dir()))
                .compat(kernelCompat())
                .preserveFds(request.listenFds())
                .seccompCache(seccompCache)
                .listener(new LaunchListener() {
                    @Override
                    public void cgroupMade(Path dir) throws IOException {
                        PodCgroupRecord.write(lease.dir(), dir); // before the app is in it: gc knows it is the pod's
                    }

                    @Override
                    public void gated(long pid) throws IOException {
                        // the pod moves to run/ with its pid.json while the app still waits in its gate
                        lease.launched(new PodProcess(pid, Processes.startTime(pid).orElse(0), Instant.now()));
                    }
                })
                .build();
        CreatedContainer container;
        CreatedContainer.StartedContainer started;
        try {
            container = Launcher.create(spec, context);
            started = container.start();
        } catch (LaunchException e) {
            finish(lease, new PodExit(e.exitCode(), PodExit.LAUNCH_FAILED, Instant.now(), e.getMessage()), request.removeOnExit());
            throw e;
        }
        started.hookWarnings().forEach(System.err::println);
        return new RunningPod(uuid, started.container(), lease, manifest, request.removeOnExit(),
                container.cgroup().orElse(null));
    }

    /**
     * Hands a foreground pod whose app runs to conmon: this process becomes conmon (execve),
     * which supervises the app to its end and exits with its code; see {@link Conmon#handOver}.
     * Returns only when that failed, with the reason: this JVM still supervises the pod then.
     */
    public String handOverToConmon(RunningPod pod, Conmon.Programs programs) throws IOException {
        return Conmon.handOver(store.root().getParent(), store, pod.lease(), pod.manifest().name(), pod.pid(), programs);
    }

    /** A pod prepared for its launch: pod.json and config.json written, its lease held. */
    private record Prepared(PodLease lease, Spec spec, PodManifest manifest) {
    }

    /** Creates the pod's directory, pod.json and config.json (the bundle); nothing runs yet. */
    private Prepared prepare(RunRequest request, ConsoleSize consoleSize, Consumer<String> created) throws IOException {
        String uuid = Uuids.random().toString();
        String hostname = request.hostname() != null ? request.hostname() : defaultHostname(request.network(), uuid);
        checkHostname(hostname);
        PodLease lease = store.create(uuid, request.name());
        Spec spec;
        PodManifest manifest;
        try {
            created.accept(uuid);
            if (request.network().isCni() && request.joinNamespaces().stream().noneMatch(n -> n.type().equals(Namespace.NETWORK))) {
                // the pod's own network namespace, attached before its app runs; the app joins it by path
                Path nsDir = store.networkDir(uuid);
                List<Namespace> join = new ArrayList<>(request.joinNamespaces());
                join.add(SharedNamespaces.createNetwork(nsDir));
                PodNetwork.attach(nsDir, uuid, request.network());
                request = request.toBuilder().joinNamespaces(join).build();
            }
            // shared store lock: an image gc now waits until pod.json pins the image
            try (StoreLock.Held held = images.store().shared()) {
                ImageDetails image = images.inspect(request.image());
                EffectiveConfig config = EffectiveConfig.of(image.parsedConfig(), request, hostname);
                spec = SpecPreparer.prepare(new SpecPreparer.Inputs(uuid, hostname, image.record().name(),
                        image.parsedConfig(), image.layerRoots(), lease.dir(), lease.upperDir(), lease.workDir(),
                        lease.rootfs(), request, availableCapabilities(), consoleSize, hasCgroup2(), seccompCache));
                SecurityOptions security = request.security();
                manifest = new PodManifest(uuid, request.name(), image.record().name(), image.record().id().toString(),
                        Instant.now(), config.argv(), config.env(), config.workingDir(), config.user(), hostname,
                        request.network().label(), request.readOnly(),
                        request.volumeArgs(), config.stopSignal(), request.removeOnExit(), podSecurity(security, spec));
                lease.prepare(manifest);
                lease.writeConfig(SpecJson.write(spec));
            }
        } catch (IOException | RuntimeException e) {
            lease.remove(); // the network namespace with it, detached first
            lease.close();
            throw e;
        }
        return new Prepared(lease, spec, manifest);
    }

    /**
     * Runs a pod detached, under conmon ({@link Conmon}): returns its UUID once its app runs,
     * leaving no thread or process of this JVM behind. Throws a LaunchException with docker's
     * exit code when the launch fails (recorded in the pod, as by {@link #run}).
     */
    public String runDetached(RunRequest request, Conmon.Supervision supervision, Consumer<String> created)
            throws LaunchException, IOException {
        Prepared prepared = prepare(request, null, created);
        Conmon.launch(store.root().getParent(), store, prepared.lease(), prepared.manifest(), supervision);
        return prepared.lease().uuid();
    }

    /** conmon's exit command for a detached pod: see {@link Conmon#cleanup}. */
    public void conmonExited(String uuid) throws IOException {
        Conmon.cleanup(store.root().getParent(), store, uuid);
    }

    /** Where a pod's app waits before it runs (its gate FIFO's directory, in the pod's directory). */
    static final String GATE_DIR = "gate";

    private static KernelCompat kernelCompat() throws LaunchException {
        try {
            return KernelCompat.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, e.getMessage(), e);
        }
    }

    private static boolean hasCgroup2() {
        try {
            return io.jrun.runtime.cgroup.Cgroup2.find().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** RFC 1123 labels, at most 64 bytes as the kernel allows. */
    private static final java.util.regex.Pattern HOSTNAME = java.util.regex.Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*");

    static void checkHostname(String hostname) {
        if (hostname.length() > 64 || !HOSTNAME.matcher(hostname).matches()) {
            throw new IllegalArgumentException("invalid hostname \"" + hostname
                    + "\": use letters, digits, '-' and '.', at most 64 characters");
        }
    }

    /**
     * Starts a process in the container of a running pod, as {@code docker exec} does: in the
     * app's namespaces and root, as the app's user (or {@code request.user()}), with the app's
     * capabilities, no_new_privs and seccomp filter (see {@link Enter}). The pod and its app
     * are left as they are. Returns the process, a child of this JVM: the caller waits for it
     * ({@link RunningContainer#waitForExit()}: its own exit code, or 128 + N for signal N) and,
     * with a terminal, attaches to it. Throws a LaunchException with docker's code: 125 when
     * the pod does not run or the request does not fit it, 127 when the command is not found,
     * 126 when it cannot be executed.
     */
    public RunningContainer enter(PodStatus pod, EnterRequest request, Stdio stdio) throws LaunchException, IOException {
        String label = pod.name() != null ? pod.name() : pod.uuid();
        if (pod.state() == PodState.PREPARING) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "pod " + label
                    + " is still being prepared: enter it once it runs");
        }
        if (pod.state() != PodState.RUNNING) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "pod " + label + " is " + pod.state()
                    + (pod.abandoned() ? " (abandoned by its jrun)" : "")
                    + ": only a running pod can be entered (jrun list shows which run)");
        }
        Spec spec = store.config(pod).orElseThrow(() -> new LaunchException(LaunchException.JRUN_ERROR, "pod " + label
                + " was started by a jrun without config.json: it cannot be entered; start it again"));
        if (pod.process() == null) {
            throw new IllegalStateException("pod " + label + " has no readable pid.json: it cannot be entered");
        }
        Map<String, String> env = new LinkedHashMap<>();
        spec.requireProcess().env().forEach(e -> putEnv(env, e));
        if (request.terminal()) {
            env.putIfAbsent("TERM", "xterm");
        }
        request.env().forEach(e -> putEnv(env, e));
        List<String> entries = new ArrayList<>();
        env.forEach((k, v) -> entries.add(k + "=" + v));
        String workingDir = request.workingDir() != null ? request.workingDir() : spec.requireProcess().cwd();
        EnterSpec enter = new EnterSpec(label, pod.process().pid(), pod.process().startTime(), request.command(), entries,
                workingDir, request.user(), request.terminal(), request.consoleSize(), spec.linux().seccomp(), stdio,
                pod.dir(), PodCgroupRecord.of(pod).orElse(null));
        return Enter.start(enter, seccompCache);
    }

    private static void putEnv(Map<String, String> env, String entry) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
    }

    // ---------------------------------------------------------------- managing pods

    /** Every pod, oldest first. */
    public java.util.List<PodStatus> list() throws IOException {
        return store.list();
    }

    /** The pod named by a --name, a UUID or a unique UUID prefix. */
    public PodStatus find(String nameOrUuid) throws IOException {
        return store.find(nameOrUuid);
    }

    /** Blocks until the pod has exited (returns at once if it has), and reads it again. */
    public PodStatus awaitExit(PodStatus pod) throws IOException {
        return store.awaitExit(pod);
    }

    /**
     * Stops a running pod: its image's StopSignal (SIGTERM unless the image says otherwise),
     * then SIGKILL once {@code timeout} has passed; {@code force} sends SIGKILL at once.
     * Returns the pod once it has exited. An exited pod is left as it is.
     */
    public PodStatus stop(PodStatus pod, java.time.Duration timeout, boolean force) throws IOException {
        return stop(pod, java.util.OptionalInt.empty(), timeout, force);
    }

    /**
     * As {@link #stop(PodStatus, java.time.Duration, boolean)}, with {@code signal} (when
     * present) instead of the image's StopSignal. A pod whose supervising jrun died while its
     * app runs (abandoned) is stopped the same way, through a pidfd pinned by pid.json's start
     * time, and its exit.json then says it ended, with an exit code nobody can know.
     */
    public PodStatus stop(PodStatus pod, java.util.OptionalInt signal, java.time.Duration timeout, boolean force)
            throws IOException {
        return stop(pod, signal, timeout, force, () -> { });
    }

    /** As above; {@code resortingToKill} runs when the timeout has passed and SIGKILL is sent (podman warns then). */
    public PodStatus stop(PodStatus pod, java.util.OptionalInt signal, java.time.Duration timeout, boolean force,
                          Runnable resortingToKill) throws IOException {
        int stopSignal = force ? Processes.SIGKILL : signal.orElseGet(() -> stopSignal(pod));
        if (pod.state() != PodState.RUNNING && pod.state() != PodState.PREPARING) {
            if (pod.abandoned() && pod.exit() == null && pod.process() != null) {
                PodStatus stopped = store.stopAbandoned(pod, stopSignal, timeout);
                return stopped.state() == PodState.RUNNING ? store.awaitExit(stopped) : stopped; // another jrun stopping it
            }
            return pod;
        }
        PodSignals.send(pod.process(), stopSignal);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (store.isHeld(pod) && System.nanoTime() < deadline) {
            sleep();
        }
        PodStatus now = store.locate(pod.uuid()).orElse(pod);
        if (now.state() == PodState.RUNNING || now.state() == PodState.PREPARING) {
            PodStatus launched = now;
            while (launched.process() == null && (launched.state() == PodState.PREPARING)) {
                sleep(); // not launched yet: its pid comes before its app runs
                launched = store.locate(pod.uuid()).orElse(launched);
            }
            if (!force) {
                resortingToKill.run();
            }
            PodSignals.send(launched.process(), Processes.SIGKILL);
        }
        return store.awaitExit(now);
    }

    /**
     * Sends {@code signal} to a running pod's app (its pid 1), through a pidfd checked against
     * pid.json's start time, so a recycled pid is never signalled. A pod that is not running is
     * refused in one line.
     */
    public void kill(PodStatus pod, int signal) throws IOException {
        if (pod.state() != PodState.RUNNING || pod.process() == null || !PodSignals.send(pod.process(), signal)) {
            throw new IllegalStateException("pod " + pod.uuid() + " is not running (it is " + pod.state()
                    + "): only a running pod's app can be signalled");
        }
    }

    /** The image's StopSignal as pod.json recorded it; SIGTERM without one. */
    public static int stopSignal(PodStatus pod) {
        return Signals.parse(pod.manifest() == null || pod.manifest().stopSignal() == null ? "SIGTERM"
                : pod.manifest().stopSignal());
    }

    /**
     * Whether the pod's app runs: under its jrun (running, preparing) or without it (abandoned,
     * its app alive by pid and start time). Such a pod is only removed with {@code force}.
     */
    public static boolean runs(PodStatus pod) throws IOException {
        return pod.state() == PodState.RUNNING || pod.state() == PodState.PREPARING
                || (pod.abandoned() && pod.exit() == null && PodStore.appAlive(pod.process()));
    }

    /** Throws the one line that refuses to remove {@code pod} without --force, if its app runs. */
    public static void checkRemovable(PodStatus pod) throws IOException {
        if (pod.state() == PodState.RUNNING || pod.state() == PodState.PREPARING) {
            throw new IllegalStateException("pod " + pod.uuid() + " is " + pod.state()
                    + ": stop it first (jrun stop), or pass --force");
        }
        if (runs(pod)) {
            throw new IllegalStateException(PodStore.abandonedAndRunning(pod));
        }
    }

    /**
     * Removes pods that are not running; a running one (an abandoned one whose app still runs
     * too) is refused unless {@code force}, which kills it first.
     */
    public void remove(PodStatus pod, boolean force) throws IOException {
        if (runs(pod)) {
            if (!force) {
                checkRemovable(pod);
            }
            pod = stop(pod, java.time.Duration.ZERO, true);
        }
        pod = store.awaitExit(pod); // under conmon, its exit command may still be recording the exit
        PodCgroupRecord.removeOf(pod); // whatever is left in it is killed with it
        store.remove(pod);
    }

    /**
     * The pod's cgroup directory while it exists (a pod made where no cgroup could be has none,
     * and an exited pod's cgroup is removed with its app).
     */
    public java.util.Optional<Path> cgroup(PodStatus pod) throws IOException {
        return PodCgroupRecord.of(pod).filter(PodCgroup::exists).map(PodCgroup::dir);
    }

    /** A running pod's resource use from its cgroup; empty if it has no cgroup or has exited. */
    public java.util.Optional<io.jrun.runtime.cgroup.CgroupUsage> usage(PodStatus pod) throws IOException {
        if (pod.state() != PodState.RUNNING) {
            return java.util.Optional.empty();
        }
        java.util.Optional<PodCgroup> cgroup = PodCgroupRecord.of(pod).filter(PodCgroup::exists);
        return cgroup.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(cgroup.get().usage());
    }

    /**
     * The pod's CNI attachment while it has one (from the app's start until its exit): the
     * network, the pod's addresses and published ports; empty for none and host.
     */
    public java.util.Optional<PodNetwork.Attached> network(PodStatus pod) throws IOException {
        return PodNetwork.read(store.networkDir(pod.uuid()));
    }

    /** rkt's two-pass gc: see {@link PodCollector}; abandoned apps get {@link PodCollector#STOP_TIMEOUT}. */
    public PodCollector.Result gc(java.time.Duration gracePeriod, boolean markOnly) throws IOException {
        return gc(gracePeriod, PodCollector.STOP_TIMEOUT, markOnly);
    }

    /**
     * rkt's two-pass gc: see {@link PodCollector}. The app of an abandoned pod that still runs
     * gets its StopSignal, and SIGKILL after {@code stopTimeout}, before the pod is marked.
     */
    public PodCollector.Result gc(java.time.Duration gracePeriod, java.time.Duration stopTimeout, boolean markOnly)
            throws IOException {
        if (!markOnly) {
            // first while the pods this gc removes still record their cgroups (unrecorded ones
            // wait out PodCgroupRecord.FOREIGN_GRACE), then for pods removed meanwhile
            PodCgroupRecord.sweepStale(store);
        }
        PodCollector.Result result = new PodCollector(store).collect(gracePeriod, stopTimeout, markOnly);
        if (!markOnly) {
            PodCgroupRecord.sweepStale(store);
            Conmon.sweep(store.root().getParent(), store);
            // a pod of several apps goes once its apps' units have: its namespaces unmounted
            io.jrun.runtime.pod.AppPodStore.open(store).sweep();
        }
        return result;
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the pod to exit");
        }
    }

    /** Records the exit, removes the pod with --rm, and lets go of it. */
    static void finish(PodLease lease, PodExit exit, boolean remove) throws IOException {
        try {
            if (remove) {
                lease.remove();
            } else {
                lease.exited(exit);
            }
        } finally {
            lease.close();
        }
    }

    /** The capabilities this thread holds (permitted), which the launch threads inherit. */
    private static long availableCapabilities() throws IOException {
        try {
            return Capabilities.get().permitted();
        } catch (ErrnoException e) {
            throw new IOException("cannot read jrun's own capabilities: " + e.getMessage(), e);
        }
    }

    /** What pod.json records of the security settings, for jrun status and inspect. */
    private static PodSecurity podSecurity(SecurityOptions security, Spec spec) {
        SeccompOption seccomp = security.seccomp(SeccompOption.DEFAULT);
        return new PodSecurity(security.privileged(), spec.requireProcess().capabilities().bounding(),
                spec.requireProcess().noNewPrivileges(), spec.linux().seccomp() == null ? "unconfined" : "default",
                spec.linux().maskedPaths(), spec.linux().readonlyPaths());
    }

    /** docker's: the first 12 hex digits of the ID; with the host's network, the host's name. */
    static String defaultHostname(Network network, String uuid) {
        if (network.isHost()) {
            try {
                return Namespaces.hostname();
            } catch (ErrnoException e) {
                // fall through to the pod's own
            }
        }
        return uuid.replace("-", "").substring(0, 12);
    }
}
