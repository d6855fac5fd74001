package io.jrun.runtime.pod;

import io.jrun.images.store.Trees;
import io.jrun.linux.Fd;
import io.jrun.linux.Uuids;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One pod as its supervising jrun owns it: it holds the pod's lock from creation until
 * {@link #close()} (or its death), and moves the pod through its phases. Every file is written
 * to a temporary name and renamed, so a reader sees it whole or not at all.
 */
public final class PodLease implements AutoCloseable {
    /** The copy of a custom seccomp profile in the pod directory, which jrun enter applies again. */

    private final PodStore store;
    private final String uuid;
    private final String name;
    private final Fd lock;
    private Path dir;
    private PodPhase phase; // null while in tmp/

    PodLease(PodStore store, String uuid, String name, Path dir, Fd lock) {
        this(store, uuid, name, dir, lock, null);
    }

    /** A lease on a pod that exists already, in {@code phase} (conmon's exit command takes one). */
    PodLease(PodStore store, String uuid, String name, Path dir, Fd lock, PodPhase phase) {
        this.store = store;
        this.uuid = uuid;
        this.name = name;
        this.dir = dir;
        this.lock = lock;
        this.phase = phase;
    }

    public String uuid() {
        return uuid;
    }

    public Path dir() {
        return dir;
    }

    /** The container's writable overlay layer. */
    public Path upperDir() {
        return dir.resolve("upper");
    }

    public Path workDir() {
        return dir.resolve("work");
    }

    /** The overlay's mount point; on the host it stays an empty directory. */
    public Path rootfs() {
        return dir.resolve("rootfs");
    }

    /** Writes pod.json and the container's directories, and makes the pod visible as preparing. */
    public void prepare(PodManifest manifest) throws IOException {
        write("pod.json", PodJson.manifest(manifest));
        for (Path p : new Path[] {upperDir(), workDir(), rootfs()}) {
            Files.createDirectory(p);
        }
        moveTo(PodPhase.PREPARE);
    }

    /**
     * Writes the container's OCI configuration ({@link PodStore#CONFIG}): what the app runs as,
     * and what {@code jrun enter} applies again. After {@link #prepare}.
     */
    public void writeConfig(byte[] json) throws IOException {
        write(PodStore.CONFIG, json);
    }

    /** Records the app's process and moves the pod to run. */
    public void launched(PodProcess process) throws IOException {
        write("pid.json", PodJson.process(process));
        moveTo(PodPhase.RUN);
    }

    /**
     * Records how the pod ended, before the lock is let go: a pod in run whose lock is free
     * and that has no exit.json was abandoned by its supervisor. A launch that failed is moved
     * to run as well, as an exited pod that says why; its writable layers are dropped.
     */
    public void exited(PodExit exit) throws IOException {
        store.releaseNetwork(uuid); // the app has ended: its address goes back to the network at once
        write("exit.json", PodJson.exit(exit));
        if (exit.reason().equals(PodExit.LAUNCH_FAILED)) {
            // the app never ran: nothing of it is worth keeping
            Files.deleteIfExists(dir.resolve("pid.json"));
            for (Path p : new Path[] {upperDir(), workDir()}) {
                Trees.deleteRecursively(p);
            }
        }
        if (phase != PodPhase.RUN) {
            moveTo(PodPhase.RUN);
        }
    }

    /** Deletes the pod (--rm): renamed into garbage first, so a half-deleted pod is never seen as one. */
    public void remove() throws IOException {
        store.releaseNetwork(uuid);
        Path garbage = store.phaseDir(PodPhase.GARBAGE).resolve(uuid);
        PodStore.moveAtomically(dir, garbage);
        dir = garbage;
        phase = PodPhase.GARBAGE;
        if (name != null) {
            store.releaseName(name, uuid);
        }
        Trees.deleteRecursively(garbage);
    }

    private void moveTo(PodPhase next) throws IOException {
        Path target = store.phaseDir(next).resolve(uuid);
        PodStore.moveAtomically(dir, target);
        dir = target;
        phase = next;
    }

    private void write(String file, byte[] content) throws IOException {
        write(dir, file, content);
    }

    /** Writes {@code file} in the pod directory {@code dir} under a temporary name and renames it into place. */
    static void write(Path dir, String file, byte[] content) throws IOException {
        Path temp = dir.resolve("." + file + "." + Uuids.random());
        Files.write(temp, content);
        Files.move(temp, dir.resolve(file), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The descriptor that holds the pod's lock, to hand the lock to a supervisor of another
     * process (conmon): a copy of it holds the same lock (flock locks belong to the open file
     * description), so the pod stays locked while any copy is open.
     */
    public int lockDescriptor() {
        return lock.value();
    }

    /** Lets go of the pod: from now on it reads as exited (or abandoned, without exit.json). */
    @Override
    public void close() {
        lock.closeQuietly();
    }
}
