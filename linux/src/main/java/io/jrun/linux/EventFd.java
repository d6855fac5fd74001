package io.jrun.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * eventfd(2) as a wake-up call: a counter that is readable (for {@link Poll}) once anyone has
 * {@link #signal signalled} it, and stays readable, as nobody reads it. One per group of
 * threads to stop.
 */
public final class EventFd {
    private EventFd() {
    }

    private static final int EFD_CLOEXEC = OpenFlags.O_CLOEXEC;

    /** A new eventfd, not yet signalled, closed on exec. */
    public static Fd create() throws ErrnoException {
        return new Fd((int) call("eventfd2", null, NR.eventfd2(), 0, EFD_CLOEXEC));
    }

    /** Adds 1 to the counter: every ppoll on {@code fd}, now or later, sees it readable. */
    public static void signal(int fd) throws ErrnoException {
        MemorySegment one = Syscall.scratch().struct();
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        call("write eventfd", null, NR.write(), fd, one.address(), 8);
    }
}
