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
    private static final int MAX_FDS = 62; // and a timespec after them, in 512 bytes

    /**
     * Blocks until at least one of {@code fds} is ready and returns a bit mask: bit i set when
     * {@code fds[i]} has data, or reached its end or an error (POLLHUP, POLLERR, POLLNVAL: a
     * read then returns 0 or fails, so a reader learns which). A signal does not end the wait.
     */
    public static long awaitReadable(int... fds) throws ErrnoException {
        return awaitReadable(-1, fds);
    }

    /**
     * As {@link #awaitReadable(int...)}, but gives up after {@code timeoutMillis} (negative: never)
     * and returns 0 then. A pidfd is readable once its process has exited.
     */
    public static long awaitReadable(long timeoutMillis, int... fds) throws ErrnoException {
        if (fds.length == 0 || fds.length > MAX_FDS) {
            throw new IllegalArgumentException("ppoll waits on 1 to " + MAX_FDS + " descriptors, not " + fds.length);
        }
        MemorySegment pollfds = Syscall.scratch().struct();
        for (int i = 0; i < fds.length; i++) {
            pollfds.set(ValueLayout.JAVA_INT, i * 8L, fds[i]);
            pollfds.set(ValueLayout.JAVA_SHORT, i * 8L + 4, POLLIN);
            pollfds.set(ValueLayout.JAVA_SHORT, i * 8L + 6, (short) 0);
        }
        long timeout = 0; // NULL: no timeout; no signal mask either
        if (timeoutMillis >= 0) {
            MemorySegment timespec = pollfds.asSlice(fds.length * 8L, 16);
            timespec.set(ValueLayout.JAVA_LONG, 0, timeoutMillis / 1000);
            timespec.set(ValueLayout.JAVA_LONG, 8, (timeoutMillis % 1000) * 1_000_000);
            timeout = timespec.address();
        }
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
