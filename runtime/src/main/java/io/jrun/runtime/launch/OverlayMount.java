package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Mounts;
import io.jrun.linux.OpenFlags;
import io.jrun.runtime.launch.KernelCompat.OverlayMountMethod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The container's root: an overlay of the image's layers (uppermost first) with the
 * container's upper dir, mounted by the setup thread in its private mount namespace. Two ways:
 * <ul>
 * <li><b>lowerdir+</b> (kernel 6.8+): one {@code fsconfig(…, "lowerdir+", layer)} per layer,
 *     so no option string caps the number of layers.</li>
 * <li><b>legacy</b>: mount(2) with one option string, which the kernel copies into a single
 *     page; before 6.5 overlayfs has no fs_context of its own and the new mount API gathers
 *     fsconfig's keys into that same page, parsed only at create. Real images' layer paths
 *     ({@code …/layers/sha256/<64 hex>/rootfs}) would fill a page after about 50 layers, so
 *     every directory is opened O_PATH first and named by its descriptor number, relative to
 *     {@code /proc/self/fd} as the thread's working directory (private since
 *     {@code unshare(CLONE_FS)}): overlayfs resolves each name with kern_path, which follows
 *     the magic link to the open directory. A layer then costs 3 to 5 bytes, so a page holds
 *     more layers than overlayfs stacks (500), and the names need none of overlayfs' escapes
 *     (':' ',' '\'), whatever the real paths contain. Inside the container, mountinfo shows
 *     the numbers instead of the paths.</li>
 * </ul>
 * {@code auto} tries lowerdir+ and falls back when an fsconfig call answers EINVAL: 6.5 to 6.7
 * reject the unknown key, older kernels reject the gathered options at create, and every
 * kernel rejects a value of 256 bytes or more (fsconfig copies at most 255), which a deep
 * store directory can reach. Nothing is mounted by the failed attempt.
 */
final class OverlayMount {
    /** mount(2) copies at most a page of options: 4 KiB, the smallest page jrun's architectures have. */
    static final int OPTIONS_MAX = 4096;
    private static final String PROC_SELF_FD = "/proc/self/fd";

    private OverlayMount() {
    }

    /**
     * Mounts the overlay on {@code rootfs} and returns an O_PATH descriptor of its root.
     * Layers are given lowest first, as images list them. {@code noDev}: device nodes in it
     * cannot be opened (EACCES), so an image that ships a node for a host disk gets nothing from
     * it; the container's devices live in its /dev tmpfs, a mount of its own.
     */
    static Fd mount(List<Path> layersLowestFirst, Path upper, Path work, Path rootfs, OverlayMountMethod method,
                    boolean noDev) throws IOException {
        switch (method) {
            case LOWERDIR_PLUS -> {
                try {
                    withLowerdirPlus(layersLowestFirst, upper, work, rootfs, noDev);
                } catch (ErrnoException e) {
                    if (!rejected(e)) {
                        throw e;
                    }
                    throw new IOException(e.getMessage() + ": this kernel cannot mount the overlay with fsconfig \"lowerdir+\""
                            + " (Linux 6.8 or later, paths under 256 bytes): set " + KernelCompat.OVERLAY_MOUNT_VARIABLE
                            + "=auto or legacy", e);
                }
            }
            case LEGACY -> withOptionString(layersLowestFirst, upper, work, rootfs, noDev);
            case AUTO -> {
                try {
                    withLowerdirPlus(layersLowestFirst, upper, work, rootfs, noDev);
                } catch (ErrnoException e) {
                    if (!rejected(e)) {
                        throw e;
                    }
                    try {
                        withOptionString(layersLowestFirst, upper, work, rootfs, noDev);
                    } catch (IOException legacy) {
                        // both failed: the first error carries the kernel's own words
                        throw new IOException(e.getMessage() + "; through mount(2) too: " + legacy.getMessage(), legacy);
                    }
                }
            }
        }
        return FileSyscalls.openat(AtFlags.AT_FDCWD, rootfs.toString(),
                OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
    }

    /** EINVAL from fsconfig: lowerdir+ unknown, or a value too long for it. */
    private static boolean rejected(ErrnoException e) {
        return e.errno() == Errno.EINVAL && e.call().startsWith("fsconfig");
    }

    private static void withLowerdirPlus(List<Path> layersLowestFirst, Path upper, Path work, Path rootfs, boolean noDev)
            throws ErrnoException {
        try (Fd context = Mounts.fsopen("overlay", Mounts.FSOPEN_CLOEXEC)) {
            Mounts.fsconfigString(context.value(), "source", "jrun");
            for (int i = layersLowestFirst.size() - 1; i >= 0; i--) {
                Mounts.fsconfigString(context.value(), "lowerdir+", layersLowestFirst.get(i).toString());
            }
            Mounts.fsconfigString(context.value(), "upperdir", upper.toString());
            Mounts.fsconfigString(context.value(), "workdir", work.toString());
            Mounts.fsconfigCreate(context.value());
            try (Fd mount = Mounts.fsmount(context.value(), Mounts.FSMOUNT_CLOEXEC, noDev ? Mounts.MOUNT_ATTR_NODEV : 0)) {
                Mounts.moveMount(mount.value(), "", AtFlags.AT_FDCWD, rootfs.toString(), Mounts.MOVE_MOUNT_F_EMPTY_PATH);
            }
        }
    }

    /**
     * mount(2) with every directory named by its descriptor (see the class comment). Flags 0
     * (or MS_NODEV), as fsmount without MOUNT_ATTR_*: suid, exec and relatime, as a root file
     * system needs. The descriptors must be opened here, after the unshare: overlayfs takes private
     * clones of its layers' mounts, which must belong to the caller's mount namespace.
     */
    private static void withOptionString(List<Path> layersLowestFirst, Path upper, Path work, Path rootfs, boolean noDev)
            throws IOException {
        List<Fd> open = new ArrayList<>();
        try (Fd workingDir = FileSyscalls.openat(AtFlags.AT_FDCWD, ".", OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0)) {
            StringBuilder options = new StringBuilder("lowerdir=");
            for (int i = layersLowestFirst.size() - 1; i >= 0; i--) {
                options.append(directory(layersLowestFirst.get(i), open)).append(i > 0 ? ":" : "");
            }
            options.append(",upperdir=").append(directory(upper, open)).append(",workdir=").append(directory(work, open));
            if (options.toString().getBytes(StandardCharsets.UTF_8).length >= OPTIONS_MAX) {
                throw new IOException("the image has too many layers (" + layersLowestFirst.size()
                        + ") for an overlay mounted through mount(2), whose options must fit in " + OPTIONS_MAX
                        + " bytes: use a kernel with fsconfig \"lowerdir+\" (Linux 6.8 or later), or an image with fewer layers");
            }
            Mounts.chdir(PROC_SELF_FD);
            try {
                Mounts.mount("jrun", rootfs.toString(), "overlay", noDev ? Mounts.MS_NODEV : 0, options.toString());
            } finally {
                Mounts.fchdir(workingDir.value());
            }
        } finally {
            for (Fd fd : open) {
                try {
                    fd.close();
                } catch (ErrnoException e) {
                    // the descriptor is gone either way
                }
            }
        }
    }

    /** Opens {@code dir} O_PATH and returns its number, as overlayfs will find it in /proc/self/fd. */
    private static int directory(Path dir, List<Fd> open) throws ErrnoException {
        Fd fd = FileSyscalls.openat(AtFlags.AT_FDCWD, dir.toString(), OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
        open.add(fd);
        return fd.value();
    }
}
