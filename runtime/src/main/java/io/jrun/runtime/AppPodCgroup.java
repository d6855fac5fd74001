package io.jrun.runtime;

import io.jrun.runtime.cgroup.Cgroup2;
import io.jrun.runtime.cgroup.CgroupException;
import io.jrun.runtime.cgroup.CgroupSettings;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.cgroup.PodCgroups;
import io.jrun.runtime.launch.LaunchException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The cgroup of a pod of several apps, {@code PARENT/pod-UUID}, over the pod's life. It holds no
 * process itself (cgroup v2's no-internal-process rule: a cgroup whose children have controllers
 * enabled cannot have processes of its own): every app runs in a child of it, the cgroup of the
 * app's unit of the pod store, {@code pod-UUID/pod-UNIT}, made by the app's launch as a one-app
 * pod's is. The pod's limits ({@link PodRequest#limits()}) are written here and bind the apps
 * together; an app's own limits are written in its child.
 *
 * <p>It is made with the pod's record and lives as long as the record does (as podman's pod
 * cgroup): an app that restarts gets a new child in the same pod cgroup, and one whose pod has
 * exited keeps the empty directory until {@code jrun rm} or {@code jrun gc} removes the pod,
 * which removes the whole subtree, killing whatever is left in it. Its path is recorded in the
 * pod's directory (file {@value #FILE}).
 */
public final class AppPodCgroup {
    static final String FILE = "cgroup";
    /** How long removing the pod waits for the kernel to empty its cgroups. */
    private static final long REMOVE_WAIT_MILLIS = 10_000;

    private AppPodCgroup() {
    }

    /**
     * Makes the pod's cgroup in {@code request.cgroupParent()} (or the default parent) with the
     * pod's limits, and records it in {@code podDir}. Empty where no cgroup can be made and
     * none is needed (no limits, every app --privileged): the apps then run as one-app pods do.
     */
    static Optional<PodCgroup> create(Path podDir, String uuid, PodRequest request) throws LaunchException, IOException {
        List<CgroupSettings.Setting> settings = CgroupSettings.of(request.limits().toResources());
        boolean devicePolicy = request.apps().stream().anyMatch(a -> !a.process().security().privileged());
        String name = "pod-" + uuid;
        String path = request.cgroupParent() == null ? null : "/" + request.cgroupParent().replaceAll("^/+|/+$", "") + "/" + name;
        Optional<PodCgroup> cgroup;
        try {
            cgroup = PodCgroups.forContainer(name, path, settings, devicePolicy).cgroup();
            if (cgroup.isPresent()) {
                Files.writeString(podDir.resolve(FILE), cgroup.get().dir().toString());
                cgroup.get().applyLimits();
            }
        } catch (CgroupException e) {
            remove(podDir);
            throw new LaunchException(LaunchException.JRUN_ERROR, e.getMessage(), e);
        }
        return cgroup;
    }

    /** The pod's cgroup as recorded, if it has one. */
    public static Optional<PodCgroup> of(Path podDir) throws IOException {
        try {
            return Optional.of(PodCgroup.at(Path.of(Files.readString(podDir.resolve(FILE)).strip())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The pod's cgroup as a path in the cgroup v2 hierarchy, the parent its apps' cgroups are made in; empty if none. */
    static Optional<String> appParent(Path podDir) throws IOException {
        Optional<PodCgroup> cgroup = of(podDir);
        Optional<Cgroup2> hierarchy = Cgroup2.find();
        if (cgroup.isEmpty() || hierarchy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("/" + hierarchy.get().mountPoint().relativize(cgroup.get().dir()));
    }

    /**
     * Removes the pod's cgroup and whatever is below it (the cgroups of its apps, when their
     * units did not remove them: a killed supervisor), killing what still runs there; then its
     * record. Throws if the kernel did not empty it in time.
     */
    public static void remove(Path podDir) throws IOException {
        Optional<PodCgroup> cgroup = of(podDir);
        if (cgroup.isPresent() && !cgroup.get().removeTree(REMOVE_WAIT_MILLIS)) {
            throw new IOException("cannot remove the cgroup " + cgroup.get().dir() + " of pod " + podDir.getFileName()
                    + ": processes in it did not die; try jrun gc later");
        }
        Files.deleteIfExists(podDir.resolve(FILE));
    }
}
