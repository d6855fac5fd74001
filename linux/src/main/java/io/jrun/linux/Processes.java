package io.jrun.linux;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/** Process and thread ids, signals and waiting, through the raw system calls. */
public final class Processes {
    private Processes() {
    }

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10, SIGPIPE = 13,
            SIGTERM = 15, SIGCHLD = 17, SIGWINCH = 28;

    /** wait4 option: return at once when no child has changed state. */
    public static final int WNOHANG = 1;

    /** getpid(2): the process (thread group) id. */
    public static long getpid() throws ErrnoException {
        return call("getpid", NR.getpid());
    }

    /** gettid(2): the calling thread's own id, as in /proc/PID/task/TID. */
    public static long gettid() throws ErrnoException {
        return call("gettid", NR.gettid());
    }

    /** kill(2). */
    public static void kill(long pid, int signal) throws ErrnoException {
        call("kill", null, NR.kill(), pid, signal);
    }

    /** pidfd_open(2): a descriptor that refers to exactly this process, immune to pid reuse. */
    public static Fd pidfdOpen(long pid) throws ErrnoException {
        return new Fd((int) call("pidfd_open", null, NR.pidfd_open(), pid, 0));
    }

    /**
     * pidfd_getfd(2): a duplicate, in this process and close-on-exec, of the descriptor
     * {@code targetFd} of the process {@code pidfd} refers to (kernel 5.6+). Needs ptrace
     * access to it (root, or its parent under Yama's ptrace_scope 1).
     */
    public static Fd pidfdGetfd(int pidfd, int targetFd) throws ErrnoException {
        return new Fd((int) call("pidfd_getfd", null, NR.pidfd_getfd(), pidfd, targetFd, 0));
    }

    /** pidfd_send_signal(2): signals the process a pidfd refers to. */
    public static void pidfdSendSignal(int pidfd, int signal) throws ErrnoException {
        call("pidfd_send_signal", null, NR.pidfd_send_signal(), pidfd, signal, 0, 0);
    }

    /**
     * How a child ended, from a wait status: {@code exitCode} when it exited, {@code signal}
     * when a signal killed it (0 otherwise).
     */
    public record ExitStatus(long pid, int exitCode, int signal) {
        /** The shell's convention: the exit code, or 128 + N when killed by signal N. */
        public int shellCode() {
            return signal != 0 ? 128 + signal : exitCode;
        }
    }

    /**
     * wait4(2) for one child (any thread of the process may wait for it). Returns null with
     * WNOHANG when the child is still running.
     */
    public static ExitStatus wait4(long pid, int options) throws ErrnoException {
        MemorySegment status = Syscall.scratch().struct();
        status.set(ValueLayout.JAVA_INT, 0, 0);
        long result = call("wait4", null, NR.wait4(), pid, status.address(), options, 0);
        if (result == 0) {
            return null;
        }
        int s = status.get(ValueLayout.JAVA_INT, 0);
        int termSignal = s & 0x7f;
        return termSignal == 0 ? new ExitStatus(result, (s >> 8) & 0xff, 0) : new ExitStatus(result, 0, termSignal);
    }

    /**
     * Whether the process (or thread) is blocked in openat(2) right now, from
     * {@code /proc/PID/syscall} ("running" while it runs, else the number of the system call it
     * sleeps in and its arguments). False once it is gone. Used to know that a gated child has
     * resolved the gate's path and waits in the open.
     */
    public static boolean blockedInOpenat(long pid) throws IOException {
        String text;
        try {
            text = Files.readString(Path.of("/proc/" + pid + "/syscall"));
        } catch (NoSuchFileException e) {
            return false;
        }
        int space = text.indexOf(' ');
        return space > 0 && text.substring(0, space).equals(String.valueOf(Syscall.NR.openat()));
    }

    /**
     * The process's start time in clock ticks since boot (field 22 of /proc/PID/stat): with
     * the pid, it names one process for good, as pids are recycled. Empty once it is gone.
     * The command name (field 2) may hold spaces and parentheses: fields are counted after
     * the last ')'.
     */
    public static java.util.OptionalLong startTime(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (NoSuchFileException e) {
            return java.util.OptionalLong.empty();
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return java.util.OptionalLong.of(Long.parseLong(fields[19])); // field 22 is the 20th after the name
    }

    /**
     * Whether the process that started at {@code startTime} (clock ticks since boot) still
     * lives as {@code pid}: not gone, not recycled, and not a zombie waiting to be reaped.
     */
    public static boolean alive(long pid, long startTime) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (NoSuchFileException e) {
            return false;
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        String state = fields[0]; // field 3
        return Long.parseLong(fields[19]) == startTime && !state.equals("Z") && !state.equals("X");
    }
}
