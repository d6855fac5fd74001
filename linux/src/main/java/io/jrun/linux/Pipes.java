package io.jrun.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/** pipe2(2): a pipe whose two ends are plain descriptors, for a spawned process's stdio. */
public final class Pipes {
    private Pipes() {
    }

    /** Both ends of a pipe; {@link #close()} closes whichever are still open. */
    public record Pipe(Fd readEnd, Fd writeEnd) implements AutoCloseable {
        @Override
        public void close() throws ErrnoException {
            try {
                readEnd.close();
            } finally {
                writeEnd.close();
            }
        }
    }

    /**
     * A new pipe, both ends close-on-exec: a spawned process gets an end only through an
     * explicit dup2 file action, so no other child of this JVM holds it open by accident (which
     * would keep the reader from ever seeing end-of-file).
     */
    public static Pipe pipe() throws ErrnoException {
        MemorySegment fds = Syscall.scratch().struct(); // int pipefd[2]
        call("pipe2", null, NR.pipe2(), fds.address(), OpenFlags.O_CLOEXEC);
        return new Pipe(new Fd(fds.get(ValueLayout.JAVA_INT, 0)), new Fd(fds.get(ValueLayout.JAVA_INT, 4)));
    }
}
