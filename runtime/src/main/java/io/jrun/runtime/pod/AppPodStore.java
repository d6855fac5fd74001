package io.jrun.runtime.pod;

import io.jrun.images.store.Trees;
import io.jrun.linux.AtFlags;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Locks;
import io.jrun.linux.OpenFlags;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pods of several apps, under STATE/pods/apps beside the pod store whose units run their
 * apps. A directory per pod, locked (flock) by the jrun that makes it and, in the foreground,
 * supervises it; no lock while its apps run under conmon.
 *
 * <pre>
 * pods/apps/UUID/pod.json        the pod: name, host name, apps and the unit each runs as ({@link AppPodRecord})
 * pods/apps/UUID/ns/{net,ipc,uts} the shared namespaces, bind-mounted nsfs files ({@link SharedNamespaces})
 * pods/apps/UUID/volumes/NAME   the pod's emptyDir volumes, directories or tmpfs ({@link PodVolumes})
 * pods/apps/UUID/cgroup         the pod's cgroup, the parent of its apps' ({@link io.jrun.runtime.AppPodCgroup})
 * pods/apps/UUID/stopping        jrun stop asked it to end: no app restarts any more
 * pods/apps/names.lock           held while a name is claimed
 * </pre>
 */
public final class AppPodStore {
    static final String POD_JSON = "pod.json", STOPPING = "stopping";
    /** The pod's shared namespaces' directory ({@link SharedNamespaces}), with its CNI attachment record. */
    public static final String NS = "ns";
    private final PodStore units;
    private final Path root;

    private AppPodStore(PodStore units, Path root) {
        this.units = units;
        this.root = root;
    }

    public static AppPodStore open(PodStore units) throws IOException {
        Path root = units.root().resolve("apps");
        Files.createDirectories(root);
        return new AppPodStore(units, root);
    }

    /** A pod being made or supervised by this jrun: its lock is held until {@link #close()}. */
    public final class Lease implements AutoCloseable {
        private final Fd lock;
        private AppPodRecord record;

        private Lease(Fd lock, AppPodRecord record) {
            this.lock = lock;
            this.record = record;
        }

        public AppPodRecord record() {
            return record;
        }

        /** Where the shared namespaces' files are. */
        public Path namespaces() {
            return record.dir().resolve(NS);
        }

        /** Records {@code app}'s new unit and restart count. */
        public synchronized void update(AppPodRecord.App app) throws IOException {
            record = record.with(app);
            PodLease.write(record.dir(), POD_JSON, record.toJson());
        }

        /** Whether jrun stop asked the pod to end. */
        public boolean stopping() {
            return Files.exists(record.dir().resolve(STOPPING));
        }

        @Override
        public void close() {
            lock.closeQuietly();
        }
    }

    /**
     * Makes the pod's directory and pod.json, locked by the returned lease. Throws if the name
     * belongs to another pod, of several apps or of one.
     */
    public Lease create(AppPodRecord record) throws IOException {
        Path dir = root.resolve(record.uuid());
        try (Fd names = lockNames()) {
            if (record.name() != null) {
                if (find(record.name()).filter(p -> record.name().equals(p.name())).isPresent()
                        || units.list().stream().anyMatch(u -> record.name().equals(u.name()))) {
                    throw new IllegalArgumentException("the name '" + record.name()
                            + "' is already used by a pod: remove that pod, or choose another --name");
                }
            }
            Files.createDirectory(dir);
        }
        Fd lock = null;
        try {
            lock = FileSyscalls.openat(AtFlags.AT_FDCWD, dir.toString(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
            Locks.lock(lock.value(), Locks.LOCK_EX);
            AppPodRecord placed = new AppPodRecord(record.uuid(), record.name(), record.hostname(), record.network(),
                    record.created(), record.apps(), dir);
            PodLease.write(dir, POD_JSON, placed.toJson());
            return new Lease(lock, placed);
        } catch (IOException | RuntimeException e) {
            if (lock != null) {
                lock.closeQuietly();
            }
            Trees.deleteRecursively(dir);
            throw e;
        }
    }

    private Fd lockNames() throws IOException {
        Path file = root.resolve("names.lock");
        Fd fd = FileSyscalls.openat(AtFlags.AT_FDCWD, file.toString(), OpenFlags.O_RDONLY | OpenFlags.O_CREAT | OpenFlags.O_CLOEXEC, 0600);
        Locks.lock(fd.value(), Locks.LOCK_EX);
        return fd;
    }

    /** Every pod of several apps, oldest first. */
    public List<AppPodRecord> list() throws IOException {
        List<AppPodRecord> pods = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                read(dir).ifPresent(pods::add);
            }
        }
        pods.sort(java.util.Comparator.comparing(AppPodRecord::created));
        return pods;
    }

    private static Optional<AppPodRecord> read(Path dir) throws IOException {
        try {
            return Optional.of(AppPodRecord.fromJson(Files.readAllBytes(dir.resolve(POD_JSON)), dir));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // being made, or removed meanwhile
        }
    }

    /** The pod named {@code nameOrUuid}, by name, UUID or unique UUID prefix; empty if none. */
    public Optional<AppPodRecord> find(String nameOrUuid) throws IOException {
        List<AppPodRecord> all = list();
        for (AppPodRecord p : all) {
            if (nameOrUuid.equals(p.name()) || nameOrUuid.equals(p.uuid())) {
                return Optional.of(p);
            }
        }
        List<AppPodRecord> prefixed = all.stream().filter(p -> p.uuid().startsWith(nameOrUuid)).toList();
        return prefixed.size() == 1 && nameOrUuid.length() >= 4 ? Optional.of(prefixed.getFirst()) : Optional.empty();
    }

    /** Reads the pod again; empty once it is removed. */
    public Optional<AppPodRecord> reread(AppPodRecord pod) throws IOException {
        return read(pod.dir());
    }

    /** Whether a jrun holds the pod (makes it, or supervises it in the foreground). */
    public boolean held(AppPodRecord pod) throws IOException {
        return Boolean.TRUE.equals(PodStore.lockHeld(pod.dir()));
    }

    /** Tells the pod's supervisor that no app restarts any more (jrun stop). */
    public void markStopping(AppPodRecord pod) throws IOException {
        try {
            Files.createFile(pod.dir().resolve(STOPPING));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // asked before
        }
    }

    /** Whether any of the pod's apps still has a unit in the pod store. */
    public boolean hasUnits(AppPodRecord pod) {
        return pod.apps().stream().anyMatch(a -> a.unit() != null && units.exists(a.unit()));
    }

    /**
     * Removes the pod's own part: unmounts its namespaces and deletes its directory. Its apps'
     * units must be gone first; a pod a jrun still holds is refused.
     */
    public void remove(AppPodRecord pod) throws IOException {
        Fd lock = PodStore.tryOwn(pod.dir());
        if (lock == null) {
            if (Files.isDirectory(pod.dir())) {
                throw new IllegalStateException("pod " + pod.label() + " is still supervised by a jrun: stop it first (jrun stop)");
            }
            return;
        }
        try (lock) {
            if (hasUnits(pod)) {
                throw new IllegalStateException("pod " + pod.label() + " still has apps: remove them first");
            }
            io.jrun.runtime.AppPodCgroup.remove(pod.dir()); // the pod's cgroup and whatever is left below it
            SharedNamespaces.release(pod.dir().resolve(NS));
            PodVolumes.release(pod.dir()); // a tmpfs unmounted before the directories go
            Trees.deleteRecursively(pod.dir());
        }
    }

    /**
     * gc's part: removes every pod no jrun holds whose apps' units are all gone (collected,
     * removed, or never made); returns their UUIDs.
     */
    public List<String> sweep() throws IOException {
        List<String> removed = new ArrayList<>();
        for (AppPodRecord pod : list()) {
            Fd lock = PodStore.tryOwn(pod.dir());
            if (lock == null) {
                continue;
            }
            try (lock) {
                if (!hasUnits(pod)) {
                    try {
                        io.jrun.runtime.AppPodCgroup.remove(pod.dir()); // its whole subtree
                    } catch (IOException e) {
                        continue; // processes that would not die: the next gc tries again
                    }
                    SharedNamespaces.release(pod.dir().resolve(NS));
                    PodVolumes.release(pod.dir());
                    Trees.deleteRecursively(pod.dir());
                    removed.add(pod.uuid());
                }
            }
        }
        return removed;
    }
}
