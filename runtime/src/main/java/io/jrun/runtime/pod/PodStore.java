package io.jrun.runtime.pod;

import io.jrun.images.oci.Digest;
import io.jrun.images.store.ImageUsage;
import io.jrun.images.store.Trees;
import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Locks;
import io.jrun.linux.OpenFlags;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pods under STATE/pods, rkt style. A pod is a directory named by its UUID; its phase is
 * the directory it sits in ({@link PodPhase}); its liveness is an exclusive flock(2) on the
 * pod directory, held by the jrun process that supervises it and released by the kernel when
 * that process ends, however it ends. No daemon: every jrun process reads the truth from here.
 *
 * <pre>
 * pods/tmp/UUID              being created: locked, not yet a pod
 * pods/prepare/UUID/         pod.json, upper/, work/, rootfs/ (an empty mount point on the host)
 * pods/run/UUID/             + pid.json once launched, + exit.json once ended
 * pods/exited-garbage/UUID/  marked by gc
 * pods/garbage/UUID/         being deleted
 * pods/names/NAME -> UUID    symlinks; changed only under pods/names.lock
 * </pre>
 */
public final class PodStore implements ImageUsage {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    private final Path root;

    private PodStore(Path root) {
        this.root = root;
    }

    /** Opens (creating if needed) STATE/pods, which only its owner may enter (mode 0700, tightened when looser). */
    public static PodStore open(Path stateDir) throws IOException {
        Path root = io.jrun.images.store.PrivateDirectory.ensure(stateDir.resolve("pods"));
        for (String dir : new String[] {"tmp", "names", ConmonRecord.EXITS}) {
            Files.createDirectories(root.resolve(dir));
        }
        for (PodPhase phase : PodPhase.values()) {
            Files.createDirectories(root.resolve(phase.directory()));
        }
        return new PodStore(root);
    }

    public Path root() {
        return root;
    }

    /** Where the one-app pods on a CNI network keep their network namespaces, by UUID: a path that does not move with the pod's phase. */
    static final String NETNS = "netns";

    /**
     * The directory of a one-app pod's own network namespace ({@code net}, an nsfs bind mount)
     * and its CNI attachment record, made when the pod is on a CNI network.
     */
    public Path networkDir(String uuid) {
        return root.resolve(NETNS).resolve(uuid);
    }

    /** CNI DEL for the pod's network namespace, if it has one, and the namespace unmounted: see SharedNamespaces#release. */
    public void releaseNetwork(String uuid) throws IOException {
        SharedNamespaces.release(networkDir(uuid));
    }

    /** Checks a --name as docker does: letters, digits, '_', '.', '-', not starting with a symbol. */
    public static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid pod name '" + name
                    + "': use letters, digits, '_', '.' and '-', starting with a letter or digit, at most 128 characters");
        }
        return name;
    }

    /**
     * Starts a new pod: its directory, locked by the returned lease, and its name. Throws if
     * the name belongs to another pod that still exists.
     */
    public PodLease create(String uuid, String name) throws IOException {
        Path dir = root.resolve("tmp").resolve(uuid);
        Files.createDirectory(dir);
        Fd lock = null;
        try {
            lock = FileSyscalls.openat(AtFlags.AT_FDCWD, dir.toString(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
            if (!Locks.tryLock(lock.value(), Locks.LOCK_EX)) {
                throw new IOException("pod directory " + dir + " is locked by another process");
            }
            if (name != null) {
                claimName(checkName(name), uuid);
            }
            return new PodLease(this, uuid, name, dir, lock);
        } catch (IOException | RuntimeException e) {
            if (lock != null) {
                lock.closeQuietly();
            }
            Trees.deleteRecursively(dir);
            throw e;
        }
    }

    /** Whether the pod {@code uuid} exists (being created, or in a phase before garbage). */
    boolean exists(String uuid) {
        for (String phase : new String[] {"tmp", "prepare", "run", "exited-garbage"}) {
            if (Files.isDirectory(root.resolve(phase).resolve(uuid))) {
                return true;
            }
        }
        return false;
    }

    private void claimName(String name, String uuid) throws IOException {
        Path link = root.resolve("names").resolve(name);
        try (NamesLock ignored = namesLock()) {
            try {
                String owner = Files.readSymbolicLink(link).toString();
                if (exists(owner)) {
                    throw new IllegalArgumentException("the name '" + name + "' is already used by pod " + owner
                            + ": remove that pod, or choose another --name");
                }
                Files.delete(link); // its pod is gone
            } catch (NoSuchFileException e) {
                // free
            }
            Files.createSymbolicLink(link, Path.of(uuid));
        }
    }

    /** Frees {@code name} if it still belongs to {@code uuid}. */
    void releaseName(String name, String uuid) throws IOException {
        Path link = root.resolve("names").resolve(name);
        try (NamesLock ignored = namesLock()) {
            try {
                if (Files.readSymbolicLink(link).toString().equals(uuid)) {
                    Files.delete(link);
                }
            } catch (NoSuchFileException e) {
                // already gone
            }
        }
    }

    /** Frees the names whose pod no longer exists (gc). */
    void releaseStaleNames() throws IOException {
        try (NamesLock ignored = namesLock(); DirectoryStream<Path> links = Files.newDirectoryStream(root.resolve("names"))) {
            for (Path link : links) {
                try {
                    if (!exists(Files.readSymbolicLink(link).toString())) {
                        Files.delete(link);
                    }
                } catch (java.nio.file.NotLinkException e) {
                    // not ours: leave it
                }
            }
        }
    }

    /**
     * Removes an exited pod (jrun rm): it must not be running. Throws when its supervisor
     * still holds it.
     */
    public void remove(PodStatus pod) throws IOException {
        Fd lock = tryOwn(pod.dir());
        if (lock == null) {
            if (lockHeld(pod.dir()) == null) {
                return; // removed meanwhile
            }
            throw new IllegalStateException("pod " + pod.uuid() + " is running: stop it first (jrun stop), or pass --force");
        }
        try (lock) {
            if (!Files.exists(pod.dir().resolve("exit.json")) && appAlive(pod.process())) {
                throw new IllegalStateException(abandonedAndRunning(pod)); // jrun stop or rm --force ends it first
            }
            releaseNetwork(pod.uuid());
            Path garbage = phaseDir(PodPhase.GARBAGE).resolve(pod.uuid());
            moveAtomically(pod.dir(), garbage);
            if (pod.name() != null) {
                releaseName(pod.name(), pod.uuid());
            }
            PodCollector.delete(garbage);
        }
    }

    /** The one line that refuses to remove a pod whose supervisor died while its app still runs. */
    public static String abandonedAndRunning(PodStatus pod) {
        return "pod " + pod.uuid() + " was abandoned by its jrun and its app still runs: stop it first (jrun stop),"
                + " or pass --force";
    }

    /**
     * Stops the app of an abandoned pod (its supervisor died, its app may still run): the
     * signal, then SIGKILL once {@code timeout} has passed, and exit.json records that it ended
     * with an exit code nobody knows ({@link AbandonedPods}). Holds the pod's lock exclusively
     * meanwhile, waiting first while another jrun stops, removes or collects it. Returns the pod
     * as it is then; one already recorded or gone is left as it is.
     */
    public PodStatus stopAbandoned(PodStatus pod, int signal, java.time.Duration timeout) throws IOException {
        PodStatus current = pod;
        while (current.abandoned() && current.exit() == null && current.process() != null) {
            Fd fd = openDirectory(current.dir());
            if (fd != null) {
                try (fd) {
                    Locks.lock(fd.value(), Locks.LOCK_EX);
                    // still there, still unrecorded, now that no one else acts on it?
                    if (Files.isDirectory(current.dir()) && !Files.exists(current.dir().resolve("exit.json"))) {
                        AbandonedPods.stop(List.of(new AbandonedPods.Target(current.dir(), current.process(), signal)),
                                timeout, "jrun stop");
                        break;
                    }
                }
            }
            String uuid = current.uuid();
            current = locate(uuid).orElse(null); // moved or recorded meanwhile: look again
            if (current == null) {
                return pod; // removed meanwhile
            }
        }
        return locate(pod.uuid()).orElse(pod);
    }

    private interface NamesLock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    private NamesLock namesLock() throws IOException {
        Path file = root.resolve("names.lock");
        try {
            Fd fd = FileSyscalls.openat(AtFlags.AT_FDCWD, file.toString(),
                    OpenFlags.O_RDWR | OpenFlags.O_CREAT | OpenFlags.O_CLOEXEC, 0600);
            try {
                Locks.lock(fd.value(), Locks.LOCK_EX);
            } catch (ErrnoException e) {
                fd.closeQuietly();
                throw e;
            }
            return fd::closeQuietly;
        } catch (ErrnoException e) {
            throw new IOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The images of every pod that is not being deleted (for image rm and image gc). A pod
     * writes its pod.json while holding the image store's lock shared, so a gc that holds it
     * exclusive sees every pod that can still need its image.
     */
    @Override
    public Set<Digest> imagesInUse() throws IOException {
        Set<Digest> ids = new HashSet<>();
        for (String phase : new String[] {"prepare", "run", "exited-garbage"}) {
            try (DirectoryStream<Path> pods = Files.newDirectoryStream(root.resolve(phase))) {
                for (Path pod : pods) {
                    try {
                        ids.add(Digest.parse(PodJson.manifest(Files.readAllBytes(pod.resolve("pod.json"))).imageId()));
                    } catch (NoSuchFileException e) {
                        // moved on meanwhile, or not written yet
                    }
                }
            }
        }
        return ids;
    }

    Path phaseDir(PodPhase phase) {
        return root.resolve(phase.directory());
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("pod directory " + to + " exists already", e);
        }
    }

    // ---------------------------------------------------------------- reading pods

    /** Every pod in every phase, oldest first. */
    public List<PodStatus> list() throws IOException {
        List<PodStatus> pods = new ArrayList<>();
        for (PodPhase phase : PodPhase.values()) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(phaseDir(phase))) {
                for (Path dir : dirs) {
                    read(dir, phase).ifPresent(pods::add);
                }
            }
        }
        pods.sort(Comparator.comparing((PodStatus p) -> p.manifest() == null ? Instant.MAX : p.manifest().created())
                .thenComparing(PodStatus::uuid));
        return pods;
    }

    /**
     * The pod named {@code nameOrUuid}: a --name, a whole UUID, or a prefix of one UUID.
     * Fails with one line when there is none, or when the prefix is ambiguous.
     */
    /** The pod directory's OCI configuration of its container. */
    public static final String CONFIG = "config.json";

    /** A pod's container configuration; empty for a pod made by a jrun before config.json. */
    public java.util.Optional<io.jrun.runtime.spec.Spec> config(PodStatus pod) throws IOException {
        byte[] json;
        try {
            json = java.nio.file.Files.readAllBytes(pod.dir().resolve(CONFIG));
        } catch (java.nio.file.NoSuchFileException e) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(io.jrun.runtime.spec.SpecJson.read(json));
        } catch (io.jrun.runtime.spec.SpecFormatException e) {
            throw new IOException("pod " + pod.uuid() + "'s " + CONFIG + " is damaged: " + e.getMessage(), e);
        }
    }

    public PodStatus find(String nameOrUuid) throws IOException {
        Path link = NAME.matcher(nameOrUuid).matches() ? root.resolve("names").resolve(nameOrUuid) : null;
        if (link != null && Files.isSymbolicLink(link)) {
            Optional<PodStatus> named = locate(Files.readSymbolicLink(link).toString());
            if (named.isPresent()) {
                return named.get();
            }
        }
        String prefix = nameOrUuid.toLowerCase(java.util.Locale.ROOT);
        if (prefix.matches("[0-9a-f-]+")) {
            List<String> matches = new ArrayList<>();
            for (PodPhase phase : PodPhase.values()) {
                try (DirectoryStream<Path> dirs = Files.newDirectoryStream(phaseDir(phase), prefix + "*")) {
                    dirs.forEach(d -> matches.add(d.getFileName().toString()));
                }
            }
            if (matches.size() == 1) {
                Optional<PodStatus> found = locate(matches.getFirst());
                if (found.isPresent()) {
                    return found.get();
                }
            } else if (matches.size() > 1) {
                throw new IllegalArgumentException("'" + nameOrUuid + "' matches " + matches.size()
                        + " pods: give more of the UUID");
            }
        }
        throw new IllegalArgumentException("no pod '" + nameOrUuid + "': see jrun list");
    }

    /** The pod {@code uuid} in whichever phase it is now. */
    public Optional<PodStatus> locate(String uuid) throws IOException {
        for (PodPhase phase : PodPhase.values()) {
            Optional<PodStatus> status = read(phaseDir(phase).resolve(uuid), phase);
            if (status.isPresent()) {
                return status;
            }
        }
        return Optional.empty();
    }

    /** Reads one pod directory; empty if it moved away meanwhile. */
    Optional<PodStatus> read(Path dir, PodPhase phase) throws IOException {
        String uuid = dir.getFileName().toString();
        // exit.json is written before the lock is let go: a pod that has one has exited, and
        // its lock need not be asked (most pods on a busy host are exited ones)
        PodExit exit = readJson(dir.resolve("exit.json"), PodJson::exit);
        Boolean held = exit != null ? Boolean.FALSE : lockHeld(dir);
        if (held == null || (exit != null && !Files.isDirectory(dir))) {
            return Optional.empty();
        }
        if (exit == null && !held) {
            // a pod under conmon: its exit file until its exit command writes exit.json, and
            // between conmon letting go of the lock and writing that file, conmon itself
            exit = ConmonRecord.exit(root, uuid).orElse(null);
            held = exit == null && ConmonRecord.supervisorAlive(dir);
        }
        PodManifest manifest = readJson(dir.resolve("pod.json"), PodJson::manifest);
        PodProcess process = readJson(dir.resolve("pid.json"), PodJson::process);
        PodState state;
        boolean abandoned = false;
        switch (phase) {
            case PREPARE -> {
                state = held ? PodState.PREPARING : PodState.EXITED;
                abandoned = !held && exit == null; // with exit.json: a failed launch on its way to run/
            }
            case RUN -> {
                state = held ? PodState.RUNNING : PodState.EXITED;
                abandoned = !held && exit == null;
            }
            default -> {
                state = PodState.GARBAGE;
                abandoned = exit == null;
            }
        }
        if (state == PodState.RUNNING && exit != null) {
            state = PodState.EXITED; // recorded, lock not yet let go
        }
        return Optional.of(new PodStatus(uuid, phase, state, abandoned, manifest, process, exit, dir));
    }

    private interface Parser<T> {
        T parse(byte[] json) throws IOException;
    }

    private static <T> T readJson(Path file, Parser<T> parser) throws IOException {
        try {
            return parser.parse(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // half-written files cannot exist (rename), so this is damage: show what is left
        }
    }

    /**
     * Whether a supervisor holds the pod's lock (a shared flock taken and dropped at once);
     * null if the directory is gone.
     */
    static Boolean lockHeld(Path dir) throws IOException {
        Fd fd = openDirectory(dir);
        if (fd == null) {
            return null;
        }
        try (fd) {
            return !Locks.tryLock(fd.value(), Locks.LOCK_SH);
        }
    }

    /** Whether the pod's supervisor still holds it (following it through a rename). */
    public boolean isHeld(PodStatus pod) throws IOException {
        Optional<PodStatus> now = locate(pod.uuid());
        return now.isPresent() && Boolean.TRUE.equals(lockHeld(now.get().dir()));
    }

    /**
     * Takes over an existing pod, waiting for its lock (conmon's exit command, once conmon has
     * let go of it); empty when the pod is gone.
     */
    public Optional<PodLease> takeOver(String uuid) throws IOException {
        while (true) {
            Optional<PodStatus> pod = locate(uuid);
            if (pod.isEmpty()) {
                return Optional.empty();
            }
            Fd fd = openDirectory(pod.get().dir());
            if (fd == null) {
                continue; // renamed meanwhile
            }
            try {
                Locks.lock(fd.value(), Locks.LOCK_EX);
            } catch (ErrnoException e) {
                fd.closeQuietly();
                throw e;
            }
            if (!Files.isDirectory(pod.get().dir())) {
                fd.closeQuietly(); // moved while we waited: look again
                continue;
            }
            return Optional.of(new PodLease(this, uuid, pod.get().name(), pod.get().dir(), fd, pod.get().phase()));
        }
    }

    /**
     * Takes the pod's lock exclusively without waiting, for gc and rm: null when a live jrun
     * holds it (or the directory is gone). Closing the Fd lets go.
     */
    static Fd tryOwn(Path dir) throws IOException {
        Fd fd = openDirectory(dir);
        if (fd == null) {
            return null;
        }
        if (!Locks.tryLock(fd.value(), Locks.LOCK_EX)) {
            fd.closeQuietly();
            return null;
        }
        return fd;
    }

    /** A pod directory opened for its lock; null when it is gone (renamed or removed). */
    private static Fd openDirectory(Path dir) throws ErrnoException {
        try {
            return FileSyscalls.openat(AtFlags.AT_FDCWD, dir.toString(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            if (e.errno() == io.jrun.linux.Errno.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Blocks until the pod's supervisor lets go of it (the app ended and its exit is recorded),
     * then reads it again.
     */
    public PodStatus awaitExit(PodStatus pod) throws IOException {
        PodStatus current = awaitUnlocked(pod);
        // under conmon: its exit command (exit.json, the cgroup, --rm) runs before conmon ends
        while (ConmonRecord.supervisorAlive(current.dir())) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for pod " + pod.uuid() + "'s conmon", e);
            }
            Optional<PodStatus> next = locate(pod.uuid());
            if (next.isEmpty()) {
                return current; // removed (--rm)
            }
            current = awaitUnlocked(next.get());
        }
        return current;
    }

    private PodStatus awaitUnlocked(PodStatus pod) throws IOException {
        PodStatus current = pod;
        while (current.state() == PodState.RUNNING || current.state() == PodState.PREPARING) {
            try (Fd fd = FileSyscalls.openat(AtFlags.AT_FDCWD, current.dir().toString(),
                    OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0)) {
                Locks.lock(fd.value(), Locks.LOCK_SH); // the lock follows the directory through renames
            } catch (ErrnoException e) {
                if (e.errno() != io.jrun.linux.Errno.ENOENT) {
                    throw e;
                }
                // renamed into its next phase meanwhile: look again
            }
            String uuid = current.uuid();
            current = locate(uuid).orElseThrow(() -> new IllegalStateException("pod " + uuid + " was removed meanwhile"));
        }
        return current;
    }

    /**
     * Whether the pod's app still runs: its pid is alive with the start time recorded for it
     * (a recycled pid has another).
     */
    public static boolean appAlive(PodProcess process) throws IOException {
        if (process == null) {
            return false;
        }
        java.util.OptionalLong start = io.jrun.linux.Processes.startTime(process.pid());
        return start.isPresent() && start.getAsLong() == process.startTime();
    }
}
