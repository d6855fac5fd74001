package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.ResolveFlags;
import io.jrun.linux.Stat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks what an exec will open besides the program: a script's {@code #!} interpreter (and
 * that one's, as deep as the kernel goes) and an ELF program's PT_INTERP (its dynamic loader).
 *
 * <p>Why: the kernel opens them by path from inside the exec'ing process, which for jrun is a
 * posix_spawn child of the JVM. Until its exec completes, that child's {@code /proc/self/exe}
 * is the host's java binary. An interpreter reached through /proc ({@code #!/proc/self/exe},
 * or a loader symlinked there) would run the host's java inside the container, with
 * {@code /proc/1/exe} then pointing at it for the container to open: runc's CVE-2019-5736. So
 * every interpreter must be a file of the container's root, found there before the spawn,
 * while /proc is still an empty read-only placeholder (see {@link ContainerSetup}): one named
 * in /proc is refused, one that is missing too (the exec would fail on it anyway), and what
 * was found is what the exec finds, as nothing else is mounted in between.
 *
 * <p>binfmt_misc handlers are the host's configuration and are not checked.
 */
final class ExecChain {
    private ExecChain() {
    }

    /** fs/exec.c gives up with ELOOP after this many rewrites by binfmt handlers. */
    private static final int MAX_INTERPRETERS = 5;
    /** BINPRM_BUF_SIZE: how much of the file the script handler sees. */
    private static final int HEADER = 256;
    private static final int PATH_MAX = 4096;
    private static final int PT_INTERP = 3;

    /**
     * Checks the interpreters of {@code program}, an absolute path found in the root
     * {@code rootFd}; relative interpreters are looked up from {@code workingDir}, as the
     * kernel does from the exec'ing process's working directory.
     */
    static void check(int rootFd, String program, String workingDir) throws LaunchException {
        String file = program;
        for (int depth = 0; ; depth++) {
            Interpreter interpreter = interpreterOf(rootFd, file, workingDir);
            if (interpreter == null) {
                return;
            }
            if (!interpreter.loader() && depth == MAX_INTERPRETERS) {
                throw new LaunchException(LaunchException.CANNOT_EXECUTE, "cannot execute \"" + program
                        + "\": its chain of #! interpreters is longer than the kernel follows: fix the image's scripts");
            }
            String absolute = absolute(interpreter.path(), workingDir);
            if (RootFs.inKernelFileSystem(Path.of(absolute).normalize().toString())) {
                throw new LaunchException(LaunchException.CANNOT_EXECUTE, "cannot execute \"" + program
                        + "\": its interpreter " + interpreter.path() + " is in /proc or /sys, from where it could run a"
                        + " binary of the host (CVE-2019-5736): fix the image");
            }
            try (Fd ignored = resolve(rootFd, absolute)) {
                // found in the root
            } catch (ErrnoException e) {
                throw new LaunchException(LaunchException.NOT_FOUND, "cannot execute \"" + program + "\": its interpreter "
                        + interpreter.path() + " was not found in the image: fix the #! line or install the interpreter", e);
            }
            if (interpreter.loader()) {
                return; // the kernel loads an ELF interpreter as it is: it has no interpreter of its own
            }
            file = absolute;
        }
    }

    /** An interpreter path: of a script (#!), or an ELF program's dynamic loader (PT_INTERP). */
    private record Interpreter(String path, boolean loader) {
    }

    /** A path as the kernel resolves it from the working directory. */
    static String absolute(String path, String workingDir) {
        if (path.startsWith("/")) {
            return path;
        }
        return workingDir.endsWith("/") ? workingDir + path : workingDir + "/" + path;
    }

    /**
     * An O_PATH descriptor of {@code absolute}, resolved inside the root, through no magic
     * link (/proc/PID/exe, /proc/PID/fd/N: ELOOP), and not to a file in /proc or /sys (ENOENT,
     * as if it were not there). With /proc still the empty placeholder nothing is found there
     * anyway; this keeps the rule where /proc is mounted (a process joining a running pod).
     */
    static Fd resolve(int rootFd, String absolute) throws ErrnoException {
        String relative = absolute.replaceAll("^/+", "");
        Fd fd = FileSyscalls.openat2(rootFd, relative.isEmpty() ? "." : relative, OpenFlags.O_PATH | OpenFlags.O_CLOEXEC,
                0, ResolveFlags.RESOLVE_IN_ROOT | ResolveFlags.RESOLVE_NO_MAGICLINKS);
        String reached;
        try {
            reached = RootFs.pathInRoot(rootFd, fd.value());
        } catch (ErrnoException e) {
            fd.close();
            throw e;
        }
        if (reached == null || RootFs.inKernelFileSystem(reached)) {
            fd.close();
            throw new ErrnoException("openat2", absolute, io.jrun.linux.Errno.ENOENT);
        }
        return fd;
    }

    /** The interpreter the kernel would open for {@code file}, or null for none (or no file to exec). */
    private static Interpreter interpreterOf(int rootFd, String file, String workingDir) throws LaunchException {
        try (Fd path = resolve(rootFd, absolute(file, workingDir))) {
            Stat stat = FileSyscalls.statx(path.value(), "", AtFlags.AT_EMPTY_PATH);
            if (!FileTypes.isRegular(stat.mode()) || (stat.mode() & 0111) == 0) {
                return null; // the exec fails on its own (EACCES)
            }
            // reopened for reading through the kernel's link to the same file: no second lookup
            try (FileChannel channel = FileChannel.open(Path.of("/proc/thread-self/fd/" + path.value()),
                    StandardOpenOption.READ)) {
                byte[] header = read(channel, 0, HEADER);
                String interpreter = null;
                boolean elf = header.length >= 52 && header[0] == 0x7f && header[1] == 'E' && header[2] == 'L'
                        && header[3] == 'F';
                if (header.length >= 2 && header[0] == '#' && header[1] == '!') {
                    interpreter = shebang(header);
                } else if (elf) {
                    interpreter = elfInterpreter(channel, header);
                }
                return interpreter == null ? null : new Interpreter(interpreter, elf);
            }
        } catch (ErrnoException e) {
            return null; // not there: the exec reports it (the program was found before; an interpreter was checked)
        } catch (IOException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot read \"" + file + "\" in the image to check it: "
                    + e.getMessage(), e);
        }
    }

    /** The interpreter of a #! line as fs/binfmt_script.c reads it, or null when it has none. */
    static String shebang(byte[] header) {
        int end = 0;
        while (end < header.length && header[end] != '\n') {
            end++;
        }
        int start = 2;
        while (start < end && (header[start] == ' ' || header[start] == '\t')) {
            start++;
        }
        int stop = start;
        while (stop < end && header[stop] != ' ' && header[stop] != '\t' && header[stop] != 0) {
            stop++;
        }
        return stop == start ? null : new String(header, start, stop - start, StandardCharsets.UTF_8);
    }

    /** The PT_INTERP path of an ELF file, or null when it has none (static) or is malformed. */
    private static String elfInterpreter(FileChannel channel, byte[] header) throws IOException {
        boolean is64 = header[4] == 2;
        ByteBuffer h = ByteBuffer.wrap(header).order(header[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        if (is64 && header.length < 64) {
            return null;
        }
        long phoff = is64 ? h.getLong(32) : Integer.toUnsignedLong(h.getInt(28));
        int phentsize = Short.toUnsignedInt(h.getShort(is64 ? 54 : 42));
        int phnum = Short.toUnsignedInt(h.getShort(is64 ? 56 : 44));
        if (phentsize < (is64 ? 56 : 32) || (long) phentsize * phnum > 65536 || phoff < 0) {
            return null; // the kernel refuses it (ENOEXEC)
        }
        ByteBuffer table = ByteBuffer.wrap(read(channel, phoff, phentsize * phnum)).order(h.order());
        for (int i = 0; i < phnum && (i + 1) * phentsize <= table.capacity(); i++) {
            int base = i * phentsize;
            if (table.getInt(base) != PT_INTERP) {
                continue;
            }
            long offset = is64 ? table.getLong(base + 8) : Integer.toUnsignedLong(table.getInt(base + 4));
            long size = is64 ? table.getLong(base + 32) : Integer.toUnsignedLong(table.getInt(base + 16));
            if (size < 2 || size > PATH_MAX || offset < 0) {
                return null; // ENOEXEC
            }
            byte[] name = read(channel, offset, (int) size);
            if (name.length != size || name[name.length - 1] != 0) {
                return null; // ENOEXEC
            }
            int length = 0;
            while (name[length] != 0) {
                length++;
            }
            return new String(name, 0, length, StandardCharsets.UTF_8);
        }
        return null;
    }

    private static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                break;
            }
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
    }
}
