package io.jrun.runtime.pod;

import io.jrun.images.store.Trees;
import io.jrun.linux.Fd;
import io.jrun.linux.Mounts;
import io.jrun.linux.Processes;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * rkt's two-pass garbage collection of pods, safe while other jrun processes run, create and
 * end pods: every step first takes the pod's lock exclusively without waiting (a live
 * supervisor holds it, so a running pod is never touched), and moves it by atomic rename
 * (two collectors racing: one rename wins, the other finds nothing to do).
 * <ol>
 * <li>mark: exited pods in run/, and pods abandoned in prepare/, move to exited-garbage/; an
 *     abandoned pod's app that still runs is stopped first as jrun stop does it (its StopSignal,
 *     SIGKILL after the stop timeout; all such apps at once, through pidfds checked by start
 *     time), and its exit.json then records that it ended;</li>
 * <li>sweep: pods marked longer ago than the grace period move to garbage/ and are deleted,
 *     after any mount left under them is detached; creations that died in tmp/ and deletions
 *     that died in garbage/ are finished; names whose pod is gone are freed.</li>
 * </ol>
 */
public final class PodCollector {
    private static final String MARKED = ".gc-marked";
    /** How long an abandoned app gets between its StopSignal and SIGKILL: jrun stop's default, docker's. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private final PodStore store;

    public PodCollector(PodStore store) {
        this.store = store;
    }

    /** What one collection did. */
    public record Result(List<String> marked, List<String> removed) {
    }

    public Result collect(Duration gracePeriod, boolean markOnly) throws IOException {
        return collect(gracePeriod, STOP_TIMEOUT, markOnly);
    }

    public Result collect(Duration gracePeriod, Duration stopTimeout, boolean markOnly) throws IOException {
        List<String> marked = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<Owned> abandoned = new ArrayList<>();
        try {
            for (PodPhase phase : new PodPhase[] {PodPhase.PREPARE, PodPhase.RUN}) {
                for (Path dir : entries(store.phaseDir(phase))) {
                    Owned owned = own(dir);
                    if (owned == null) {
                        continue; // running, preparing, conmon's, or gone
                    }
                    if (owned.app != null) {
                        abandoned.add(owned); // stopped below, all at once, still locked
                    } else if (mark(owned)) {
                        marked.add(dir.getFileName().toString());
                    }
                }
            }
            // abandoned by their supervisors while the apps ran: end them, or they run unsupervised forever
            AbandonedPods.stop(abandoned.stream().map(Owned::target).toList(), stopTimeout, "jrun gc");
            for (Owned owned : abandoned) {
                if (mark(owned)) {
                    marked.add(owned.dir.getFileName().toString());
                }
            }
        } finally {
            abandoned.forEach(o -> o.lock.closeQuietly());
        }
        if (markOnly) {
            return new Result(marked, removed);
        }
        Instant deadline = Instant.now().minus(gracePeriod);
        for (Path dir : entries(store.phaseDir(PodPhase.EXITED_GARBAGE))) {
            if (sweep(dir, deadline)) {
                removed.add(dir.getFileName().toString());
            }
        }
        for (Path dir : entries(store.phaseDir(PodPhase.GARBAGE))) {
            if (deleteOwned(dir)) {
                removed.add(dir.getFileName().toString());
            }
        }
        for (Path dir : entries(store.root().resolve("tmp"))) {
            deleteOwned(dir); // a creation that died before its pod existed: not a pod to report
        }
        store.releaseStaleNames();
        Path netns = store.root().resolve(PodStore.NETNS); // made by the first pod on a CNI network
        for (Path dir : Files.isDirectory(netns) ? entries(netns) : List.<Path>of()) {
            if (!store.exists(dir.getFileName().toString())) {
                SharedNamespaces.release(dir); // its pod went without it: a jrun killed in between
            }
        }
        return new Result(marked, removed);
    }

    /**
     * A pod to mark, locked: {@code app} set when it was abandoned while its app ran (pid.json,
     * no exit.json), with the signal to stop it by.
     */
    private record Owned(Path dir, Fd lock, PodProcess app, int signal) {
        AbandonedPods.Target target() {
            return new AbandonedPods.Target(dir, app, signal);
        }
    }

    /** The pod at {@code dir}, locked, if nobody holds it and no conmon supervises it; else null. */
    private Owned own(Path dir) throws IOException {
        Fd lock = PodStore.tryOwn(dir);
        if (lock == null) {
            return null; // running, preparing, or gone
        }
        try {
            PodProcess app = readProcess(dir);
            if (app == null || Files.exists(dir.resolve("exit.json"))) {
                return new Owned(dir, lock, null, 0);
            }
            if (ConmonRecord.supervisorAlive(dir)) {
                lock.closeQuietly();
                return null; // conmon has let go of the lock and is recording the exit
            }
            return new Owned(dir, lock, app, stopSignal(dir));
        } catch (RuntimeException e) {
            lock.closeQuietly();
            throw e;
        }
    }

    /** Marks an owned pod as garbage and lets go of it. */
    private boolean mark(Owned owned) throws IOException {
        try (Fd lock = owned.lock) {
            store.releaseNetwork(owned.dir.getFileName().toString());
            Files.writeString(owned.dir.resolve(MARKED), Instant.now().toString());
            return move(owned.dir, store.phaseDir(PodPhase.EXITED_GARBAGE));
        }
    }

    /** The image's StopSignal from pod.json; SIGTERM when it cannot be read. */
    private static int stopSignal(Path dir) {
        try {
            String signal = PodJson.manifest(Files.readAllBytes(dir.resolve("pod.json"))).stopSignal();
            return io.jrun.linux.Signals.parse(signal == null ? "SIGTERM" : signal);
        } catch (IOException | RuntimeException e) {
            return Processes.SIGTERM;
        }
    }

    private boolean sweep(Path dir, Instant deadline) throws IOException {
        Instant marked;
        try {
            marked = Files.getLastModifiedTime(dir.resolve(MARKED)).toInstant();
        } catch (NoSuchFileException e) {
            marked = Instant.EPOCH; // marked by a collector that died before writing it: old enough
        }
        if (marked.isAfter(deadline)) {
            return false;
        }
        Fd lock = PodStore.tryOwn(dir);
        if (lock == null) {
            return false;
        }
        try (lock) {
            Path garbage = store.phaseDir(PodPhase.GARBAGE).resolve(dir.getFileName());
            store.releaseNetwork(dir.getFileName().toString());
            if (!move(dir, store.phaseDir(PodPhase.GARBAGE))) {
                return false;
            }
            delete(garbage);
            return true;
        }
    }

    private boolean deleteOwned(Path dir) throws IOException {
        Fd lock = PodStore.tryOwn(dir);
        if (lock == null) {
            return false;
        }
        try (lock) {
            store.releaseNetwork(dir.getFileName().toString());
            delete(dir);
            return true;
        }
    }

    /**
     * Deletes a pod directory. Mounts under it should not exist on the host (the container's
     * live only in its own namespace), but one left by a crash in between would make the
     * delete walk into it: detach them first.
     */
    static void delete(Path dir) throws IOException {
        for (String mountPoint : mountsUnder(dir)) {
            try {
                Mounts.umount2(mountPoint, Mounts.MNT_DETACH);
            } catch (io.jrun.linux.ErrnoException e) {
                // gone meanwhile
            }
        }
        Trees.deleteRecursively(dir);
    }

    private static List<String> mountsUnder(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        String prefix = dir.toRealPath().toString() + "/";
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            String mountPoint = io.jrun.runtime.launch.MountInfo.unescape(fields[4]);
            if (mountPoint.startsWith(prefix)) {
                found.add(mountPoint);
            }
        }
        found.sort(java.util.Comparator.comparingInt(String::length).reversed()); // deepest first
        return found;
    }

    private static boolean move(Path dir, Path toPhase) throws IOException {
        try {
            PodStore.moveAtomically(dir, toPhase.resolve(dir.getFileName()));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static PodProcess readProcess(Path dir) {
        try {
            return PodJson.process(Files.readAllBytes(dir.resolve("pid.json")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<Path> entries(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(entries::add);
        }
        return entries;
    }
}
