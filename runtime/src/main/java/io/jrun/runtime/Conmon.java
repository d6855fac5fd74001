package io.jrun.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrun.images.oci.JsonTrees;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Exec;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Mounts;
import io.jrun.linux.Namespaces;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Pipes;
import io.jrun.linux.Processes;
import io.jrun.linux.Spawn;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.oci.Delete;
import io.jrun.runtime.oci.OciException;
import io.jrun.runtime.oci.OciRoot;
import io.jrun.runtime.oci.Start;
import io.jrun.runtime.pod.ConmonRecord;
import io.jrun.runtime.pod.PodExit;
import io.jrun.runtime.pod.PodLease;
import io.jrun.runtime.pod.PodManifest;
import io.jrun.runtime.pod.PodProcess;
import io.jrun.runtime.pod.PodStatus;
import io.jrun.runtime.pod.PodStore;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * conmon as the supervisor of a detached pod ({@code jrun run -d}), as podman uses it: jrun
 * prepares the pod (its directory is the OCI bundle), starts conmon with {@code jrun-oci} as
 * its runtime, reads the app's pid from conmon's sync pipe, records it, starts the app and
 * exits. No JVM stays: conmon waits for the app, writes its output to the pod's log
 * ({@value #LOG}, k8s-file format), writes the exit code into {@code pods/exits/UUID} and
 * runs its exit command, {@code jrun cleanup UUID}, which records exit.json, deletes the
 * container from jrun-oci's state, removes the cgroup and honours --rm.
 *
 * <p>The pod's lock: conmon gets a copy of the descriptor that holds it (descriptor 4), and
 * keeps it until the app has ended; so "lock held" still means "supervised", and a SIGKILLed
 * conmon leaves the pod abandoned, as a killed jrun supervisor did.
 */
public final class Conmon {
    /** The app's output in the pod directory: conmon's k8s-file log. */
    public static final String LOG = "ctr.log";
    /** The pod's log driver in the pod directory ({@link LogDriver#option()}); absent: k8s-file. */
    public static final String LOG_DRIVER = "log-driver";
    /** journald's socket: where it is missing, the host has no journal to log to. */
    private static final Path JOURNAL_SOCKET = Path.of("/run/systemd/journal/socket");

    /**
     * Where conmon writes the app's output: {@link #K8S_FILE}, the pod directory's {@value #LOG};
     * or {@link #JOURNALD}, the systemd journal, each line an entry with conmon's fields
     * CONTAINER_ID_FULL (the pod's UUID), CONTAINER_ID (its first 12 characters), CONTAINER_NAME
     * and SYSLOG_IDENTIFIER (the pod's name) and PRIORITY 6 (stdout) or 3 (stderr). The journal
     * files the entries under the unit conmon runs in too: {@code journalctl -u UNIT} shows them.
     */
    public enum LogDriver {
        K8S_FILE, JOURNALD;

        public String option() {
            return this == K8S_FILE ? "k8s-file" : "journald";
        }

        /**
         * --log-driver's value ({@code null}: the default, journald under --sd-notify=conmon, whose
         * unit's journal is where a systemd user looks, else k8s-file); journald needs a journal.
         */
        public static LogDriver of(String option, SdNotify.Mode notify) {
            LogDriver driver;
            if (option == null) {
                driver = notify == SdNotify.Mode.CONMON ? JOURNALD : K8S_FILE;
            } else {
                driver = switch (option.toLowerCase(java.util.Locale.ROOT)) {
                    case "k8s-file" -> K8S_FILE;
                    case "journald" -> JOURNALD;
                    default -> throw new IllegalArgumentException("invalid --log-driver '" + option
                            + "': use k8s-file or journald");
                };
            }
            if (driver == JOURNALD && !Files.exists(JOURNAL_SOCKET)) {
                throw new IllegalArgumentException("--log-driver=journald needs systemd's journal, and this host has none ("
                        + JOURNAL_SOCKET + " is missing): use --log-driver=k8s-file");
            }
            return driver;
        }

        /** The driver a pod's output went to. */
        public static LogDriver ofPod(Path podDir) throws IOException {
            try {
                return Files.readString(podDir.resolve(LOG_DRIVER), StandardCharsets.US_ASCII).strip().equals("journald")
                        ? JOURNALD : K8S_FILE;
            } catch (NoSuchFileException e) {
                return K8S_FILE;
            }
        }
    }

    /** How a detached pod is supervised: conmon and its programs, its log driver, the readiness policy. */
    public record Supervision(Programs programs, LogDriver logDriver, SdNotify sdNotify) {
    }
    /** jrun-oci's JSON error log in the pod directory: its one-line error when create fails. */
    static final String OCI_LOG = "oci-log.json";
    /** The app's pid as jrun-oci create writes it for conmon. */
    static final String APP_PID = "app.pid";
    /** jrun-oci's --root under the state directory. */
    static final String OCI_ROOT = "oci";
    private static final int SYNC_FD = 3, LOCK_FD = 4;
    /** sun_path's size: conmon binds the attach socket at BUNDLE/attach (--full-attach). */
    private static final int SOCKET_PATH_MAX = 107;

    /**
     * The programs: conmon (from PATH, or $JRUN_CONMON), the jrun launcher conmon runs as its
     * exit command, and jrun-oci beside it (the launcher under that name).
     */
    public record Programs(Path conmon, Path jrun, Path jrunOci) {
        public static Programs find() throws LaunchException {
            Path conmon = conmonPath();
            Path jrun = launcher();
            Path oci = jrun.resolveSibling("jrun-oci");
            if (!Files.isExecutable(oci)) {
                throw new LaunchException(LaunchException.JRUN_ERROR, "jrun-oci is missing beside " + jrun
                        + ": reinstall jrun (scripts/install.sh links it)");
            }
            return new Programs(conmon, jrun, oci);
        }

        private static Path conmonPath() throws LaunchException {
            String explicit = System.getenv("JRUN_CONMON");
            if (explicit != null && !explicit.isEmpty()) {
                return Path.of(explicit);
            }
            String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            List<String> dirs = new ArrayList<>(List.of(path.split(":")));
            dirs.add("/usr/libexec/podman");
            for (String dir : dirs) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, "conmon");
                if (Files.isExecutable(candidate)) {
                    return candidate.toAbsolutePath();
                }
            }
            throw new LaunchException(LaunchException.JRUN_ERROR,
                    "conmon not found, which supervises detached pods: apt-get install conmon (or set JRUN_CONMON)");
        }

        /** The jrun launcher: $JRUN_LAUNCHER, else beside the jar (installed) or two levels up (a checkout). */
        private static Path launcher() throws LaunchException {
            String explicit = System.getenv("JRUN_LAUNCHER");
            if (explicit != null && !explicit.isEmpty()) {
                return Path.of(explicit).toAbsolutePath();
            }
            try {
                Path jar = Path.of(Conmon.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                Path dir = jar.getParent();
                for (Path candidate : new Path[] {dir.resolve("jrun"), dir.resolve("../../jrun").normalize()}) {
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return candidate;
                    }
                }
            } catch (URISyntaxException | RuntimeException e) {
                // fall through
            }
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot find the jrun launcher that conmon runs when"
                    + " the app exits: run jrun through its launcher script, or set JRUN_LAUNCHER");
        }
    }

    private Conmon() {
    }

    /** The memory controller's cgroup v1 hierarchy, on a host with one (hybrid or legacy layout). */
    private static final Path MEMORY_V1 = Path.of("/sys/fs/cgroup/memory");

    /**
     * posix_spawns conmon. Where a cgroup v1 memory hierarchy is mounted (a hybrid host, like
     * this project's), conmon would register an OOM eventfd in the app's v1 memory cgroup
     * (a write to its {@code cgroup.event_control}; conmon decides v1 from /sys/fs/cgroup not
     * being cgroup2): jrun keeps to cgroup v2 and writes nothing there. So conmon is spawned from
     * a throw-away thread with a mount namespace of its own, in which an empty read-only tmpfs
     * covers that hierarchy: conmon finds no v1 memory cgroup and watches no OOM there (jrun
     * reads OOM kills from cgroup v2's memory.events). The namespace goes with conmon and its
     * children; the host's mounts are untouched. On a cgroup v2 host conmon is spawned as is.
     */
    private static long spawnOutOfCgroupV1(List<String> argv, List<String> env, Spawn.FileActions actions)
            throws ErrnoException {
        long[] pid = {0};
        Throwable failure = onThreadOutOfCgroupV1("jrun-conmon-spawn", () -> pid[0] = Spawn.spawn(argv.getFirst(), argv, env, actions, 0, 0));
        if (failure instanceof ErrnoException e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("cannot spawn conmon: " + failure.getMessage(), failure);
        }
        return pid[0];
    }

    private interface ConmonStep {
        void run() throws Exception;
    }

    /**
     * Runs {@code step} on a throw-away platform thread whose mount namespace of its own covers
     * the cgroup v1 memory hierarchy (see {@link #spawnOutOfCgroupV1}); on a host without one,
     * on a throw-away thread as it is. Returns what it threw, or null.
     */
    private static Throwable onThreadOutOfCgroupV1(String name, ConmonStep step) {
        boolean hide = Files.isRegularFile(MEMORY_V1.resolve("cgroup.event_control"));
        Throwable[] failure = {null};
        Thread thread = Thread.ofPlatform().name(name).unstarted(() -> {
            try {
                if (hide) {
                    Namespaces.unshare(Namespaces.CLONE_NEWNS); // this thread's own, CLONE_FS implied
                    Mounts.mount(null, "/", null, Mounts.MS_REC | Mounts.MS_PRIVATE, null);
                    Mounts.mount("jrun", MEMORY_V1.toString(), "tmpfs", Mounts.MS_RDONLY | Mounts.MS_NOSUID
                            | Mounts.MS_NODEV | Mounts.MS_NOEXEC, "size=4k,mode=555");
                }
                step.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure[0];
    }

    /**
     * Hands a foreground pod whose app runs to conmon ({@code jrun run --supervisor=conmon}):
     * this JVM process <em>becomes</em> conmon (execve), so the terminal, the script or the
     * systemd unit keeps waiting for the same pid, and no JVM stays while the app runs.
     *
     * <p>The app is this process's child already, so it stays conmon's child across the exec;
     * its standard streams are jrun's own, so its output goes where jrun's would, with nothing
     * in between. conmon is run in sync mode (no fork: it stays this pid) with a runtime whose
     * create has nothing left to do, {@code true}: the container was created and started by
     * jrun before the exec, and conmon reads the app's pid from the pid file jrun wrote. Then
     * conmon is what it is for a detached pod: it waits for the app, forwards SIGTERM, SIGINT
     * and SIGQUIT to it, writes the exit file, runs {@code jrun cleanup UUID} (exit.json, the
     * cgroup, --rm) and exits with the app's code. It keeps the pod's lock descriptor until
     * the app has ended, as a detached pod's conmon does. SIGHUP is ignored from the exec on
     * (conmon does not forward it, and would die of it), SIGINT until conmon forwards it.
     *
     * <p>Returns only when the exec failed, with the reason; the JVM still supervises the app
     * then, and the caller goes on waiting for it.
     */
    static String handOver(Path stateDir, PodStore store, PodLease lease, String name, long appPid, Programs programs)
            throws IOException {
        String uuid = lease.uuid();
        Path dir = lease.dir();
        if (dir.resolve("attach").toString().length() > SOCKET_PATH_MAX) {
            return "the state directory's path is too long for conmon's attach socket (" + dir.resolve("attach")
                    + "): use a shorter --dir";
        }
        Path noCreate = Stream.of(Path.of("/usr/bin/true"), Path.of("/bin/true")).filter(Files::isExecutable).findFirst()
                .orElse(null);
        if (noCreate == null) {
            return "true(1) is missing from /usr/bin and /bin";
        }
        Files.createDirectories(store.root().resolve(ConmonRecord.EXITS));
        Files.writeString(dir.resolve(APP_PID), Long.toString(appPid), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve(LOG_DRIVER), LogDriver.K8S_FILE.option() + "\n", StandardCharsets.US_ASCII);
        long self;
        try {
            self = Processes.getpid();
        } catch (ErrnoException e) {
            return e.getMessage();
        }
        List<String> argv = List.of(programs.conmon().toString(), "--sync",
                "--cid", uuid, "--cuuid", uuid, "--name", name != null ? name : uuid,
                "--runtime", noCreate.toString(),
                "--bundle", dir.toString(),
                "--container-pidfile", dir.resolve(APP_PID).toString(),
                "--exit-dir", store.root().resolve(ConmonRecord.EXITS).toString(),
                "--log-path", "k8s-file:" + dir.resolve(LOG),
                "--full-attach", "--socket-dir-path", dir.toString(),
                "--log-level", "error",
                "--exit-command", programs.jrun().toString(),
                "--exit-command-arg", "--dir", "--exit-command-arg", stateDir.toString(),
                "--exit-command-arg", "cleanup", "--exit-command-arg", uuid);
        List<String> env = new ArrayList<>();
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("_OCI_") && !k.equals("NOTIFY_SOCKET")) {
                env.add(k + "=" + v);
            }
        });
        // conmon's pid file: the pod's supervisor is this pid, which is conmon once exec'd
        Files.writeString(dir.resolve(ConmonRecord.PID_FILE), Long.toString(self), StandardCharsets.US_ASCII);
        // the JVM's perf data file would outlive it: it is removed at the JVM's exit, which never comes
        Files.deleteIfExists(Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"), Long.toString(self)));
        System.out.flush();
        System.err.flush();
        sun.misc.Signal hup = new sun.misc.Signal("HUP"), interrupt = new sun.misc.Signal("INT");
        sun.misc.SignalHandler hupBefore = sun.misc.Signal.handle(hup, sun.misc.SignalHandler.SIG_IGN);
        sun.misc.SignalHandler interruptBefore = sun.misc.Signal.handle(interrupt, sun.misc.SignalHandler.SIG_IGN);
        int lock = lease.lockDescriptor();
        Throwable failure = onThreadOutOfCgroupV1("jrun-conmon-exec", () -> {
            Exec.closeOnExecFrom(3); // nothing of the JVM's leaks into conmon ...
            Exec.inherit(lock);      // ... but the pod's lock, which conmon keeps until the app has ended
            throw Exec.execve(argv.getFirst(), argv, env);
        });
        sun.misc.Signal.handle(hup, hupBefore);
        sun.misc.Signal.handle(interrupt, interruptBefore);
        Files.deleteIfExists(dir.resolve(ConmonRecord.PID_FILE));
        return "cannot exec conmon " + argv.getFirst() + ": " + failure.getMessage();
    }

    /**
     * Launches the prepared pod under conmon and starts its app; returns once the app runs.
     * The lease is let go of (conmon holds the pod's lock now). On failure the pod is recorded
     * as a failed launch (removed with --rm) and the exception carries docker's exit code.
     */
    static void launch(Path stateDir, PodStore store, PodLease lease, PodManifest manifest, Supervision supervision)
            throws LaunchException, IOException {
        Programs programs = supervision.programs();
        String uuid = lease.uuid();
        Path bundle = lease.dir();
        if (bundle.resolve("attach").toString().length() > SOCKET_PATH_MAX) {
            throw failed(lease, manifest, LaunchException.JRUN_ERROR, "the state directory's path is too long for"
                    + " conmon's attach socket (" + bundle.resolve("attach") + "): use a shorter --dir");
        }
        Path ociRoot = OciRoot.open(stateDir.resolve(OCI_ROOT)).path();
        Files.createDirectories(store.root().resolve(ConmonRecord.EXITS));
        List<String> argv = new ArrayList<>(List.of(programs.conmon().toString(),
                "--cid", uuid, "--cuuid", uuid, "--name", manifest.name() != null ? manifest.name() : uuid,
                "--runtime", programs.jrunOci().toString(),
                "--runtime-arg", "--root", "--runtime-arg", ociRoot.toString(),
                "--runtime-arg", "--log", "--runtime-arg", bundle.resolve(OCI_LOG).toString(),
                "--runtime-arg", "--log-format", "--runtime-arg", "json",
                "--bundle", bundle.toString(),
                "--container-pidfile", bundle.resolve(APP_PID).toString(),
                "--conmon-pidfile", bundle.resolve(ConmonRecord.PID_FILE).toString(),
                "--exit-dir", store.root().resolve(ConmonRecord.EXITS).toString(),
                "--log-path", supervision.logDriver() == LogDriver.JOURNALD ? "journald:" : "k8s-file:" + bundle.resolve(LOG),
                "--full-attach", "--socket-dir-path", bundle.toString(),
                "--log-level", "error",
                "--exit-command", programs.jrun().toString(),
                "--exit-command-arg", "--dir", "--exit-command-arg", stateDir.toString(),
                "--exit-command-arg", "cleanup", "--exit-command-arg", uuid));
        Files.writeString(bundle.resolve(LOG_DRIVER), supervision.logDriver().option() + "\n", StandardCharsets.US_ASCII);
        List<String> env = new ArrayList<>();
        System.getenv().forEach((k, v) -> {
            // systemd's socket is jrun's to use (SdNotify), never conmon's or the runtime's, as in podman
            if (!k.startsWith("_OCI_") && !k.equals("NOTIFY_SOCKET")) {
                env.add(k + "=" + v);
            }
        });
        env.add("_OCI_SYNCPIPE=" + SYNC_FD);

        long pid;
        String reply;
        try (Pipes.Pipe sync = Pipes.pipe(); Pipes.Pipe output = Pipes.pipe(); Spawn.FileActions actions = new Spawn.FileActions()) {
            int lock = lease.lockDescriptor();
            for (int fd : new int[] {lock, sync.writeEnd().value(), output.writeEnd().value()}) {
                if (fd <= LOCK_FD) {
                    throw new IllegalStateException("descriptor " + fd + " would be overwritten before conmon gets it");
                }
            }
            actions.open(0, "/dev/null", OpenFlags.O_RDONLY, 0)
                    .dup2(output.writeEnd().value(), 1)
                    .dup2(output.writeEnd().value(), 2)
                    .dup2(sync.writeEnd().value(), SYNC_FD)
                    .dup2(lock, LOCK_FD)
                    .closeFrom(LOCK_FD + 1);
            long first;
            try {
                first = spawnOutOfCgroupV1(argv, env, actions);
            } catch (ErrnoException e) {
                throw failed(lease, manifest, LaunchException.JRUN_ERROR, "cannot start conmon " + argv.getFirst()
                        + ": " + e.getMessage());
            }
            sync.writeEnd().close();
            output.writeEnd().close();
            // conmon forks: the first process writes the pid file and exits; the second supervises
            Processes.ExitStatus status = Processes.wait4(first, 0);
            if (status.shellCode() != 0) {
                String said = readAll(output.readEnd().value()).strip();
                throw failed(lease, manifest, LaunchException.JRUN_ERROR, "conmon failed (exit " + status.shellCode()
                        + ")" + (said.isEmpty() ? "" : ": " + said.lines().findFirst().orElse("")));
            }
            reply = readLine(sync.readEnd().value());
        }
        JsonNode message = reply.isBlank() ? null : JsonTrees.read(reply.getBytes(StandardCharsets.UTF_8));
        pid = message == null ? -1 : message.path(message.has("data") ? "data" : "pid").asLong(-1);
        if (pid <= 0) {
            OciError error = ociError(bundle.resolve(OCI_LOG));
            String text = error != null ? error.message()
                    : message != null && message.hasNonNull("message") ? message.path("message").asText().strip()
                    : "conmon ended without reporting the container (see the system log)";
            throw failed(lease, manifest, error != null ? error.exitCode() : LaunchException.JRUN_ERROR, text);
        }
        try {
            long startTime = Processes.startTime(pid).orElseThrow(() -> new IOException("the app " + pid + " is gone"));
            lease.launched(new PodProcess(pid, startTime, Instant.now()));
            Optional<Path> cgroup = containerCgroup(ociRoot.resolve(uuid));
            if (cgroup.isPresent()) {
                PodCgroupRecord.write(lease.dir(), cgroup.get());
            }
            List<String> warnings = Start.run(OciRoot.open(ociRoot), uuid);
            warnings.forEach(System.err::println);
            if (supervision.sdNotify().mode() == SdNotify.Mode.CONMON) {
                // lease.dir(), not bundle: launched() has moved the pod from prepare/ to run/
                long conmon = Long.parseLong(Files.readString(lease.dir().resolve(ConmonRecord.PID_FILE), StandardCharsets.US_ASCII).strip());
                supervision.sdNotify().detachedReady(uuid, conmon, pid); // conmon's parent is PID 1 by now: it double-forked
            }
        } catch (OciException | IOException | RuntimeException e) {
            try {
                Processes.kill(pid, Processes.SIGKILL); // still in its gate: conmon sees it end and cleans up
            } catch (ErrnoException gone) {
                // gone already
            }
            throw failed(lease, manifest, LaunchException.JRUN_ERROR, "cannot start the app: " + e.getMessage());
        }
        lease.close();
    }

    /** Records a failed launch in the pod (removes it with --rm) and returns the error to throw. */
    private static LaunchException failed(PodLease lease, PodManifest manifest, int code, String message) throws IOException {
        Pods.finish(lease, new PodExit(code, PodExit.LAUNCH_FAILED, Instant.now(), message), manifest.removeOnExit());
        return new LaunchException(code, message);
    }

    private record OciError(String message, int exitCode) {
    }

    /** The last error jrun-oci logged (--log-format json), with its exit code; null if none. */
    private static OciError ociError(Path log) {
        try {
            OciError last = null;
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                JsonNode n = JsonTrees.read(line.getBytes(StandardCharsets.UTF_8));
                if ("error".equals(n.path("level").asText())) {
                    last = new OciError(n.path("msg").asText(), n.path("exitCode").asInt(LaunchException.JRUN_ERROR));
                }
            }
            return last;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Optional<Path> containerCgroup(Path containerDir) throws IOException {
        JsonNode record = JsonTrees.read(Files.readAllBytes(containerDir.resolve("container.json")));
        String cgroup = record.path("cgroup").asText(null);
        return cgroup == null || cgroup.isEmpty() ? Optional.empty() : Optional.of(Path.of(cgroup));
    }

    private static String readLine(int fd) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (text.indexOf("\n") < 0) {
            int n = FileSyscalls.read(fd, buffer, 0, buffer.length);
            if (n == 0) {
                break;
            }
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        int end = text.indexOf("\n");
        return end < 0 ? text.toString() : text.substring(0, end);
    }

    private static String readAll(int fd) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = FileSyscalls.read(fd, buffer, 0, buffer.length)) > 0) {
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    // ---------------------------------------------------------------- after the app

    /**
     * conmon's exit command ({@code jrun cleanup UUID}): once conmon has let go of the pod,
     * records exit.json from conmon's exit file, deletes the container from jrun-oci's state,
     * removes the cgroup, removes the pod with --rm, and removes the exit file. A pod that was
     * never launched is its launching jrun's to record (conmon runs this after a failed create
     * too). Does nothing while the app still runs.
     */
    static void cleanup(Path stateDir, PodStore store, String uuid) throws IOException {
        Optional<PodStatus> found = store.locate(uuid);
        if (found.isPresent() && found.get().process() == null) {
            return;
        }
        Optional<PodExit> exit = ConmonRecord.exit(store.root(), uuid);
        if (found.isPresent() && exit.isEmpty() && PodStore.appAlive(found.get().process())) {
            return; // not conmon's exit: nothing to record yet
        }
        Optional<PodLease> taken = store.takeOver(uuid);
        if (taken.isPresent()) {
            try (PodLease lease = taken.get()) {
                PodStatus pod = store.locate(uuid).orElseThrow();
                Optional<PodCgroup> cgroup = PodCgroupRecord.of(pod);
                if (!Files.exists(lease.dir().resolve("exit.json")) && exit.isPresent()) {
                    PodExit recorded = exit.get();
                    if (cgroup.isPresent() && cgroup.get().exists() && cgroup.get().oomKills() > 0) {
                        recorded = new PodExit(recorded.exitCode(), PodExit.OOM, recorded.exited(), null);
                    }
                    lease.exited(recorded);
                }
                deleteContainer(stateDir, uuid);
                cgroup.ifPresent(PodCgroupRecord::remove);
                if (pod.manifest() != null && pod.manifest().removeOnExit()) {
                    lease.remove();
                }
            }
        } else {
            deleteContainer(stateDir, uuid);
        }
        Files.deleteIfExists(ConmonRecord.exitFile(store.root(), uuid));
    }

    /** Deletes the pod's container from jrun-oci's state (and with it its cgroup), if it is there. */
    private static void deleteContainer(Path stateDir, String uuid) throws IOException {
        Path root = stateDir.resolve(OCI_ROOT);
        if (!Files.isDirectory(root.resolve(uuid))) {
            return;
        }
        try {
            Delete.run(OciRoot.open(root), uuid, true).forEach(System.err::println);
        } catch (OciException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * gc's part: the jrun-oci state and exit files of pods that no longer exist (their conmon
     * was killed, so no exit command ran).
     */
    static void sweep(Path stateDir, PodStore store) throws IOException {
        for (Path dir : entries(stateDir.resolve(OCI_ROOT))) {
            String uuid = dir.getFileName().toString();
            if (Files.isDirectory(dir) && !uuid.startsWith(".") && store.locate(uuid).isEmpty()) {
                deleteContainer(stateDir, uuid);
            }
        }
        for (Path file : entries(store.root().resolve(ConmonRecord.EXITS))) {
            if (store.locate(file.getFileName().toString()).isEmpty()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }
}
