package io.jrun.runtime;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.ResolveFlags;
import io.jrun.linux.Stat;

/**
 * Finds the command inside the container's root the way docker (Go's exec.LookPath) does: a
 * name without a slash is searched in PATH for a non-directory with an execute bit.
 */
final class Executables {
    private Executables() {
    }

    /**
     * The path to hand to posix_spawn. A name with a slash is returned as is: the exec itself
     * reports ENOENT (127) or EACCES (126), relative to the working directory like runc.
     */
    static String resolve(int rootFd, String command, String path) throws LaunchException {
        if (command.contains("/")) {
            return command;
        }
        boolean foundButNotExecutable = false;
        for (String dir : path.split(":")) {
            if (dir.isEmpty() || !dir.startsWith("/")) {
                continue; // relative PATH entries depend on the working directory: docker skips them too
            }
            String candidate = dir.endsWith("/") ? dir + command : dir + "/" + command;
            try (Fd fd = FileSyscalls.openat2(rootFd, candidate.substring(1), OpenFlags.O_PATH | OpenFlags.O_CLOEXEC, 0,
                    ResolveFlags.RESOLVE_IN_ROOT)) {
                Stat stat = FileSyscalls.statx(fd.value(), "", AtFlags.AT_EMPTY_PATH);
                if (FileTypes.isDirectory(stat.mode())) {
                    continue;
                }
                if ((stat.mode() & 0111) != 0) {
                    return candidate;
                }
                foundButNotExecutable = true;
            } catch (ErrnoException e) {
                // not there (or unreadable): try the next PATH entry
            }
        }
        if (foundButNotExecutable) {
            throw new LaunchException(LaunchException.CANNOT_EXECUTE, "the command \"" + command
                    + "\" is in the image's PATH but not executable: chmod it in the image, or run another command");
        }
        throw new LaunchException(LaunchException.NOT_FOUND, "the command \"" + command
                + "\" was not found in the image's PATH (" + path + "): check the image's Entrypoint and Cmd, or the command given");
    }
}
