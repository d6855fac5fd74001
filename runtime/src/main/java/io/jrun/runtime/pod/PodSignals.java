package io.jrun.runtime.pod;

import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.Processes;

import java.io.IOException;

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
        if (app == null) {
            return false;
        }
        Fd pidfd;
        try {
            pidfd = Processes.pidfdOpen(app.pid());
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ESRCH) {
                return false;
            }
            throw e;
        }
        try (pidfd) {
            if (!PodStore.appAlive(app)) {
                return false; // the pid belongs to another process now
            }
            Processes.pidfdSendSignal(pidfd.value(), signal);
            return true;
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ESRCH) {
                return false;
            }
            throw e;
        }
    }
}
