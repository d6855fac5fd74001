package io.jrun.runtime.terminal;

import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.NativeBuffer;
import io.jrun.linux.Poll;

/**
 * One direction of a terminal session, on its own platform thread: copies what arrives on one
 * descriptor to another until the input ends, or until the session's wake-up eventfd is
 * signalled. The thread waits in ppoll on both, since closing a descriptor would not wake a
 * thread blocked on it (and the user's stdin is not ours to close).
 *
 * <p>The input ends with end-of-file (read returns 0) or EIO: a pseudo-terminal master answers
 * EIO after the last output once no process holds its slave, and a hung-up terminal answers EIO
 * too.
 */
final class Relay {
    private static final int BUFFER_SIZE = 16384;

    /** What to do when writing fails: stop, or keep reading and drop the data. */
    enum OnWriteFailure {
        /** Keyboard to container: the container is gone, nothing to deliver to. */
        STOP,
        /**
         * Container to user: the user's terminal is gone, but the container must not block on
         * a full terminal buffer; its output is drained and dropped until it ends.
         */
        DRAIN
    }

    private final Thread thread;
    private volatile Throwable failure;

    private Relay(String name, int from, int to, int wakeFd, OnWriteFailure onWriteFailure) {
        // Daemon: a relay stuck on a terminal that is flow-stopped never keeps the JVM alive.
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> copy(from, to, wakeFd, onWriteFailure));
    }

    /**
     * Starts the relay's thread. It inherits the calling thread's namespaces, root and
     * credentials: call from an untransformed thread, never from a container's setup thread.
     */
    static Relay start(String name, int from, int to, int wakeFd, OnWriteFailure onWriteFailure) {
        Relay relay = new Relay(name, from, to, wakeFd, onWriteFailure);
        relay.thread.start();
        return relay;
    }

    private void copy(int from, int to, int wakeFd, OnWriteFailure onWriteFailure) {
        try (NativeBuffer buffer = new NativeBuffer(BUFFER_SIZE)) {
            boolean delivering = true;
            while (true) {
                long ready = Poll.awaitReadable(from, wakeFd);
                if ((ready & 0b10) != 0) {
                    return; // the session is closing
                }
                int n;
                try {
                    n = buffer.read(from);
                } catch (ErrnoException e) {
                    if (e.errno() == Errno.EAGAIN) {
                        continue; // someone set O_NONBLOCK on a shared terminal: ppoll again
                    }
                    if (e.errno() == Errno.EIO) {
                        return;
                    }
                    throw e;
                }
                if (n == 0) {
                    return;
                }
                if (delivering) {
                    try {
                        buffer.write(to, n);
                    } catch (ErrnoException e) {
                        if (onWriteFailure == OnWriteFailure.STOP) {
                            return;
                        }
                        delivering = false;
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Waits for the thread to end. */
    void join() throws InterruptedException {
        thread.join();
    }

    /** Waits for the thread to end, even when interrupted (the interrupt is kept). */
    void joinUninterruptibly() {
        io.jrun.runtime.launch.Threads.joinUninterruptibly(thread);
    }

    /** What ended the relay other than the end of its input or a stop, or null. */
    Throwable failure() {
        return failure;
    }
}
