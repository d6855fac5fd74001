package io.jrun.runtime.pod;

import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.Poll;
import io.jrun.linux.Processes;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Signals a pod's app from any jrun process, never a stranger: the pid is opened as a pidfd
 * (which pins that one process), and the start time recorded in pid.json is checked after
 * the open, so a pid recycled since cannot receive the signal.
 */
public final class PodSignals {
    private PodSignals() {
    }

    /** Sends {@code signal}; false if the app is gone. */
    public static boolean send(PodProcess app, int signal) throws IOException {
        Optional<PinnedApp> pinned = pin(app);
        if (pinned.isEmpty()) {
            return false;
        }
        try (PinnedApp p = pinned.get()) {
            return p.signal(signal);
        }
    }

    /**
     * The app as a pidfd, checked against its start time once open: every signal and wait
     * through it reaches that process or none, however long it takes. Empty if the app is gone.
     */
    public static Optional<PinnedApp> pin(PodProcess app) throws IOException {
        if (app == null) {
            return Optional.empty();
        }
        Fd pidfd;
        try {
            pidfd = Processes.pidfdOpen(app.pid());
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ESRCH) {
                return Optional.empty();
            }
            throw e;
        }
        try {
            if (!PodStore.appAlive(app)) {
                pidfd.closeQuietly();
                return Optional.empty(); // the pid belongs to another process now
            }
            return Optional.of(new PinnedApp(pidfd));
        } catch (IOException | RuntimeException e) {
            pidfd.closeQuietly();
            throw e;
        }
    }

    /** A pod's app held by a pidfd. */
    public static final class PinnedApp implements AutoCloseable {
        private final Fd pidfd;

        private PinnedApp(Fd pidfd) {
            this.pidfd = pidfd;
        }

        /** Sends {@code signal}; false if the app has exited. */
        public boolean signal(int signal) throws ErrnoException {
            try {
                Processes.pidfdSendSignal(pidfd.value(), signal);
                return true;
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ESRCH) {
                    return false;
                }
                throw e;
            }
        }

        /**
         * Waits up to {@code timeout} for the app to exit (its pidfd turns readable, whoever
         * its parent is); true once it has.
         */
        public boolean awaitExit(Duration timeout) throws ErrnoException {
            return Poll.awaitReadable(timeout, pidfd.value()) != 0;
        }

        @Override
        public void close() {
            pidfd.closeQuietly();
        }
    }
}
