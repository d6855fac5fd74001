package io.jrun.images.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A directory of the state directory that holds image or pod content ({@code images/},
 * {@code pods/}, {@code cache/}): mode 0700, so no other user of the host can enter it, as
 * podman keeps its storage (docker's data directories are 0710). Layers keep the image's files
 * with their modes, setuid-root programs included, and a pod's upper directory keeps what the
 * container's root wrote: a local user who could reach either would run those programs as root
 * on the host (moby's CVE-2021-41091). Nothing jrun runs needs a way in: overlayfs reaches its
 * layers with the credentials of the mount's creator (root), and the gate of {@code jrun enter}
 * is opened through a descriptor of its own directory.
 */
public final class PrivateDirectory {
    /** rwx------ */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateDirectory() {
    }

    /**
     * Makes {@code dir} (and missing parents) with mode 0700 from the start, so no other user
     * can open it in between and keep the descriptor; one made looser (by a jrun before this
     * rule) loses the group and other bits. An existing parent keeps its mode: it may be a
     * directory of the administrator's choosing.
     */
    public static Path ensure(Path dir) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        if (!OWNER_ONLY.containsAll(Files.getPosixFilePermissions(dir))) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        }
        return dir;
    }
}
