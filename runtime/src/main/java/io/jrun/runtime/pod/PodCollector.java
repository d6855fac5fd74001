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
 *     abandoned pod's app that still runs is killed first (checked by pid and start time);</li>
 * <li>sweep: pods marked longer ago than the grace period move to garbage/ and are deleted,
 *     after any mount left under them is detached; creations that died in tmp/ and deletions
 *     that died in garbage/ are finished; names whose pod is gone are freed.</li>
 * </ol>
 */
public final class PodCollector {
    private static final String MARKED = ".gc-marked";
    /**
     * In a pod whose app was handed to systemd as the unit's main process (jrun run
     * --sd-notify=main-pid): no supervisor holds its lock, yet while its app runs it is systemd's,
     * not abandoned, and gc leaves it alone.
     */
    public static final String HANDED_TO_SYSTEMD = "handed-to-systemd";
    private final PodStore store;

    public PodCollector(PodStore store) {
        this.store = store;
    }

    /** What one collection did. */
    public record Result(List<String> marked, List<String> removed) {
    }

    public Result collect(Duration gracePeriod, boolean markOnly) throws IOException {
        List<String> marked = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (PodPhase phase : new PodPhase[] {PodPhase.PREPARE, PodPhase.RUN}) {
            for (Path dir : entries(store.phaseDir(phase))) {
                if (mark(dir)) {
                    marked.add(dir.getFileName().toString());
                }
            }
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
        return new Result(marked, removed);
    }

    private boolean mark(Path dir) throws IOException {
        Fd lock = PodStore.tryOwn(dir);
        if (lock == null) {
            return false; // running, preparing, or gone
        }
        try (lock) {
            PodProcess app = readProcess(dir);
            if (app != null && !Files.exists(dir.resolve("exit.json")) && Files.exists(dir.resolve(HANDED_TO_SYSTEMD))
                    && PodStore.appAlive(app)) {
                return false; // systemd supervises it
            }
            if (ConmonRecord.supervisorAlive(dir)) {
                return false; // conmon has let go of the lock and is recording the exit
            }
            if (app != null && !Files.exists(dir.resolve("exit.json"))) {
                // abandoned by its supervisor while the app ran: end it, or it runs unsupervised forever
                PodSignals.send(app, Processes.SIGKILL);
            }
            Files.writeString(dir.resolve(MARKED), Instant.now().toString());
            return move(dir, store.phaseDir(PodPhase.EXITED_GARBAGE));
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
