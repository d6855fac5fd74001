package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.Stat;

/**
 * Finds the command inside the container's root the way docker (Go's exec.LookPath) does: a
 * name without a slash is searched in PATH for a non-directory with an execute bit. Whatever
 * is found, its interpreters are checked too ({@link ExecChain}).
 */
final class Executables {
    private Executables() {
    }

    /**
     * The path to hand to posix_spawn. A name with a slash is returned as is, relative to the
     * working directory like runc, once it is found in the root: the exec itself reports EACCES
     * (126). A command in /proc is refused: {@code /proc/self/exe} would be the host's java
     * (CVE-2019-5736).
     */
    static String resolve(int rootFd, String command, String path, String workingDir) throws LaunchException {
        if (command.contains("/")) {
            String absolute = ExecChain.absolute(command, workingDir);
            if (RootFs.inKernelFileSystem(java.nio.file.Path.of(absolute).normalize().toString())) {
                throw new LaunchException(LaunchException.CANNOT_EXECUTE, "cannot execute \"" + command
                        + "\": it is in /proc or /sys, from where it could run a binary of the host (CVE-2019-5736):"
                        + " run a program of the image");
            }
            try (Fd ignored = ExecChain.resolve(rootFd, absolute)) {
                // there; the exec checks the rest
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR) {
                    throw new LaunchException(LaunchException.NOT_FOUND, "the command \"" + command
                            + "\" was not found in the image: check the image's Entrypoint and Cmd, or the command given", e);
                }
                throw new LaunchException(LaunchException.CANNOT_EXECUTE, "cannot execute \"" + command + "\" in the container: "
                        + Errno.message(e.errno()) + " (" + e.errnoName() + "): give an executable program", e);
            }
            ExecChain.check(rootFd, absolute, workingDir);
            return command;
        }
        boolean foundButNotExecutable = false;
        for (String dir : path.split(":")) {
            if (dir.isEmpty() || !dir.startsWith("/")) {
                continue; // relative PATH entries depend on the working directory: docker skips them too
            }
            String candidate = dir.endsWith("/") ? dir + command : dir + "/" + command;
            try (Fd fd = ExecChain.resolve(rootFd, candidate)) {
                Stat stat = FileSyscalls.statx(fd.value(), "", AtFlags.AT_EMPTY_PATH);
                if (FileTypes.isDirectory(stat.mode())) {
                    continue;
                }
                if ((stat.mode() & 0111) != 0) {
                    ExecChain.check(rootFd, candidate, workingDir);
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
