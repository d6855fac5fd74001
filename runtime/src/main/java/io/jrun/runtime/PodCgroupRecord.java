package io.jrun.runtime;

import io.jrun.runtime.cgroup.Cgroup2;
import io.jrun.runtime.cgroup.CgroupException;
import io.jrun.runtime.cgroup.CgroupParent;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.cgroup.PodCgroups;
import io.jrun.runtime.pod.PodState;
import io.jrun.runtime.pod.PodStatus;
import io.jrun.runtime.pod.PodStore;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.prepare.RunRequest;

/**
 * A pod's cgroup over the pod's life: made for the request, recorded in the pod's directory
 * (file "cgroup": its path) for jrun status and gc, removed when the app has exited, and swept by
 * gc when a supervisor died before it could remove it.
 */
final class PodCgroupRecord {
    static final String FILE = "cgroup";
    /** How long an exiting pod waits for the kernel to empty its cgroup before leaving it to gc. */
    private static final long REMOVE_WAIT_MILLIS = 10_000;
    /**
     * How old an empty pod cgroup that no pod of this state dir owns must be before gc removes
     * it. Another state dir's pod being launched has an empty cgroup for a moment (made, then
     * entered by the launching JVM, left, and only then given the gated app), and removing it
     * then failed that launch.
     */
    static final Duration FOREIGN_GRACE = Duration.ofMinutes(10);

    private PodCgroupRecord() {
    }

    static void write(Path podDir, Path cgroup) throws IOException {
        Files.writeString(podDir.resolve(FILE), cgroup.toString());
    }

    /** The recorded cgroup of a pod, if it has one. */
    static Optional<PodCgroup> of(PodStatus pod) throws IOException {
        try {
            return Optional.of(PodCgroup.at(Path.of(Files.readString(pod.dir().resolve(FILE)).strip())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Removes the cgroup a pod that does not run recorded, killing what is left in it (jrun rm). */
    static void removeOf(PodStatus pod) throws IOException {
        Optional<PodCgroup> recorded = of(pod);
        if (recorded.isPresent() && !recorded.get().remove(REMOVE_WAIT_MILLIS)) {
            throw new IOException("cannot remove the cgroup " + recorded.get().dir() + " of pod " + pod.uuid()
                    + ": processes in it did not die; try jrun gc later");
        }
    }

    /** Removes a cgroup that no app has run in (a launch that failed); quietly, as the failure says more. */
    static void discard(PodCgroup cgroup) {
        if (cgroup != null) {
            try {
                cgroup.remove(REMOVE_WAIT_MILLIS);
            } catch (IOException e) {
                // jrun gc removes it
            }
        }
    }

    /** Removes the cgroup of an exited app; if the kernel has not emptied it in time, gc will. */
    static void remove(PodCgroup cgroup) {
        discard(cgroup);
    }

    /**
     * jrun gc's part: the cgroups of pods that do not run (their supervisor died, or they were
     * removed since) are removed: those recorded in their pods are emptied first (cgroup.kill);
     * empty pod-UUID cgroups under the default parent that no pod here runs in are removed too,
     * once they are {@link #FOREIGN_GRACE} old (the cgroup's directory time: set when it is made).
     * A running or preparing pod's cgroup is never touched.
     */
    static void sweepStale(PodStore store) throws IOException {
        Set<String> live = new HashSet<>();
        for (PodStatus pod : store.list()) {
            if (pod.state() == PodState.RUNNING || pod.state() == PodState.PREPARING) {
                live.add(pod.uuid());
            } else {
                Optional<PodCgroup> recorded = of(pod);
                if (recorded.isPresent()) {
                    recorded.get().remove(REMOVE_WAIT_MILLIS);
                }
            }
        }
        Optional<Cgroup2> hierarchy = Cgroup2.find();
        if (hierarchy.isEmpty()) {
            return;
        }
        Path parent = CgroupParent.resolve(hierarchy.get(), parent(null)).dir();
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, "pod-*")) {
            for (Path child : children) {
                String uuid = child.getFileName().toString().substring("pod-".length());
                if (Files.isDirectory(store.root().resolve("apps").resolve(uuid))) {
                    continue; // a pod of several apps' own cgroup: removed with the pod (AppPodCgroup)
                }
                if (!live.contains(uuid) && store.locate(uuid).map(p -> p.state() != PodState.RUNNING
                        && p.state() != PodState.PREPARING).orElse(true)) {
                    // maybe another --dir's pod: only if empty, and not one being launched right now
                    if (olderThan(child, FOREIGN_GRACE)) {
                        PodCgroup.at(child).removeIfEmpty();
                    }
                }
            }
        }
    }

    private static boolean olderThan(Path cgroup, Duration age) {
        try {
            return Files.getLastModifiedTime(cgroup).toInstant().isBefore(Instant.now().minus(age));
        } catch (IOException e) {
            return false; // gone already
        }
    }

    private static String parent(String explicit) {
        return explicit != null ? explicit : System.getenv(PodCgroups.PARENT_ENV);
    }
}
