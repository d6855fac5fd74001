package io.jrun.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * Waiting for the first of several descriptors to have something to read, with ppoll(2)
 * (aarch64 has no poll(2)). A thread that must stop while it waits for input waits on the
 * input and on an {@link EventFd}: closing a descriptor does not wake a thread blocked on it.
 */
public final class Poll {
    private Poll() {
    }

    private static final short POLLIN = 0x1;
    private static final int POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    /** struct pollfd { int fd; short events; short revents; } in the scratch struct area. */
    private static final int MAX_FDS = 64;

    /**
     * Blocks until at least one of {@code fds} is ready and returns a bit mask: bit i set when
     * {@code fds[i]} has data, or reached its end or an error (POLLHUP, POLLERR, POLLNVAL: a
     * read then returns 0 or fails, so a reader learns which). A signal does not end the wait.
     */
    public static long awaitReadable(int... fds) throws ErrnoException {
        return await(-1, fds);
    }

    /**
     * As {@link #awaitReadable(int...)}, but returns 0 when none is ready within
     * {@code timeout} (zero: only looks). A pidfd is readable once its process has exited,
     * whoever its parent is: a wait for a process that is not one's child.
     */
    public static long awaitReadable(java.time.Duration timeout, int... fds) throws ErrnoException {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("a negative timeout: " + timeout);
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE; // 292 years
        }
        return await(nanos, fds);
    }

    private static long await(long timeoutNanos, int... fds) throws ErrnoException {
        int max = timeoutNanos < 0 ? MAX_FDS : MAX_FDS - 2; // the timespec takes the last 16 bytes
        if (fds.length == 0 || fds.length > max) {
            throw new IllegalArgumentException("ppoll waits on 1 to " + max + " descriptors, not " + fds.length);
        }
        MemorySegment pollfds = Syscall.scratch().struct();
        for (int i = 0; i < fds.length; i++) {
            pollfds.set(ValueLayout.JAVA_INT, i * 8L, fds[i]);
            pollfds.set(ValueLayout.JAVA_SHORT, i * 8L + 4, POLLIN);
            pollfds.set(ValueLayout.JAVA_SHORT, i * 8L + 6, (short) 0);
        }
        long timeout = 0; // NULL: no timeout
        if (timeoutNanos >= 0) {
            long at = (MAX_FDS - 2) * 8L; // struct timespec { long tv_sec; long tv_nsec; }
            pollfds.set(ValueLayout.JAVA_LONG, at, timeoutNanos / 1_000_000_000L);
            pollfds.set(ValueLayout.JAVA_LONG, at + 8, timeoutNanos % 1_000_000_000L);
            timeout = pollfds.address() + at;
        }
        // no signal mask: NULL. On EINTR the call is retried with the time the kernel left in the timespec.
        call("ppoll", null, NR.ppoll(), pollfds.address(), fds.length, timeout, 0, 0);
        long ready = 0;
        for (int i = 0; i < fds.length; i++) {
            int revents = pollfds.get(ValueLayout.JAVA_SHORT, i * 8L + 6);
            if ((revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) != 0) {
                ready |= 1L << i;
            }
        }
        return ready;
    }
}
