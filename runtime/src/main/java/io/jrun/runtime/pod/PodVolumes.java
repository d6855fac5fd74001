package io.jrun.runtime.pod;

import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Mounts;
import io.jrun.runtime.PodVolume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The volumes a pod of several apps owns ({@link PodVolume}, Kubernetes' emptyDir), under its
 * directory: {@code volumes/NAME}, a directory, or a tmpfs mounted there. Mode 0777, as the
 * kubelet makes them, so that apps running as different users can share one. They go with the
 * pod's directory ({@link AppPodStore#remove}, {@link AppPodStore#sweep}), the tmpfs unmounted first.
 */
public final class PodVolumes {
    static final String VOLUMES = "volumes";

    private PodVolumes() {
    }

    /** Where the pod in {@code podDir} keeps its volume {@code name}. */
    public static Path path(Path podDir, String name) {
        return podDir.resolve(VOLUMES).resolve(name);
    }

    /** Makes the pod's volumes, empty; on failure those made so far are released. */
    public static void create(Path podDir, List<PodVolume> volumes) throws IOException {
        try {
            for (PodVolume v : volumes) {
                Path dir = path(podDir, v.name());
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // past the umask
                if (v.inMemory()) {
                    Mounts.mount("tmpfs", dir.toString(), "tmpfs", Mounts.MS_NOSUID | Mounts.MS_NODEV,
                            "mode=0777" + (v.sizeLimit() == null ? "" : ",size=" + v.sizeLimit()));
                }
            }
        } catch (IOException | RuntimeException e) {
            release(podDir);
            throw e;
        }
    }

    /**
     * Unmounts the pod's in-memory volumes (their content goes with them) and deletes the
     * volumes' directories. Safe to call again, and when the pod has none.
     */
    public static void release(Path podDir) throws IOException {
        Path root = podDir.resolve(VOLUMES);
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> volumes = Files.newDirectoryStream(root)) {
            for (Path dir : volumes) {
                try {
                    Mounts.umount2(dir.toString(), Mounts.MNT_DETACH | Mounts.UMOUNT_NOFOLLOW);
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) { // not a mount point; gone
                        throw e;
                    }
                }
            }
        }
        io.jrun.images.store.Trees.deleteRecursively(root);
    }
}
