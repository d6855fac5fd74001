package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.PseudoTerminals;
import io.jrun.linux.Spawn;
import io.jrun.linux.Terminals;
import io.jrun.linux.WindowSize;
import io.jrun.linux.FileTypes;
import io.jrun.linux.Mounts;
import io.jrun.runtime.spec.ConsoleSize;

/**
 * The app's terminal, allocated on the setup thread from the container's own devpts instance
 * (mounted at /dev/pts by {@link DevFs}), as runc and podman do: inside, the app sees
 * {@code /dev/pts/0}, and the host's devpts is never involved.
 *
 * <p>The master is opened before the pivot through the /dev mount's {@code pts/ptmx}; jrun keeps
 * it. The slave is opened by the child itself, as a file action after the gate: posix_spawn
 * with POSIX_SPAWN_SETSID makes the child a session leader first (glibc runs setsid before the
 * file actions), and a session leader without a controlling terminal that opens a terminal
 * without O_NOCTTY acquires it. So the app has its controlling terminal, /dev/tty works, and
 * the terminal's signal keys reach it, without any ioctl in the child.
 */
final class ContainerPty {
    private ContainerPty() {
    }

    /**
     * Allocates the pair, gives the slave to the app's user, sets its initial size, and adds
     * the child's steps: open the slave as fd 0 (read-write, no O_NOCTTY), dup it onto 1 and 2.
     * Returns the master (O_CLOEXEC), which the caller owns.
     */
    static Fd allocate(int devFd, ConsoleSize size, User user, Spawn.FileActions actions) throws ErrnoException {
        Fd master = PseudoTerminals.openMaster(devFd, "pts/ptmx");
        try {
            String slave = "pts/" + PseudoTerminals.number(master.value());
            // devpts creates the slave owned by whoever opened ptmx (root, here), mode 0620 group
            // tty (gid=5): the child opens it with the app's credentials, so it must be the
            // app's, as runc makes it. The group stays tty, for write(1) and wall(1).
            FileSyscalls.fchownat(devFd, slave, user.uid(), -1, AtFlags.AT_SYMLINK_NOFOLLOW);
            if (size != null && (size.height() != 0 || size.width() != 0)) {
                Terminals.setWindowSize(master.value(), new WindowSize(size.height(), size.width(), 0, 0));
            }
            console(devFd, slave);
            actions.open(0, "/dev/" + slave, OpenFlags.O_RDWR, 0).dup2(0, 1).dup2(0, 2);
            return master;
        } catch (ErrnoException | RuntimeException e) {
            master.close();
            throw e;
        }
    }

    /**
     * The runtime specification's /dev/console for a container with a terminal: the slave,
     * bound onto a file made for it (as runc does), so that programs writing to the console
     * reach the app's terminal.
     */
    private static void console(int devFd, String slave) throws ErrnoException {
        try {
            FileSyscalls.mknodat(devFd, "console", FileTypes.S_IFREG | 0600, 0);
        } catch (ErrnoException e) {
            if (e.errno() != io.jrun.linux.Errno.EEXIST) {
                throw e;
            }
        }
        try (Fd tree = Mounts.openTree(devFd, slave, Mounts.OPEN_TREE_CLONE | Mounts.OPEN_TREE_CLOEXEC);
             Fd target = FileSyscalls.openat(devFd, "console", OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0)) {
            RootFs.attach(tree, target);
        }
    }
}
