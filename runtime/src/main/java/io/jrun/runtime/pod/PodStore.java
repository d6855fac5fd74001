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
import java.util.HashSet;
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

    public static PodStore open(Path stateDir) throws IOException {
        Path root = stateDir.resolve("pods");
        for (String dir : new String[] {"tmp", "names"}) {
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

    /** The pod directory of {@code uuid} in whichever phase it is, if any. */
    public Optional<Path> find(String uuid) {
        for (String phase : new String[] {"tmp", "prepare", "run", "exited-garbage"}) {
            Path dir = root.resolve(phase).resolve(uuid);
            if (Files.isDirectory(dir)) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private void claimName(String name, String uuid) throws IOException {
        Path link = root.resolve("names").resolve(name);
        try (NamesLock ignored = namesLock()) {
            try {
                String owner = Files.readSymbolicLink(link).toString();
                if (find(owner).isPresent()) {
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
}
