package io.jrun.runtime.oci;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.Processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code kill}: a signal to the container's process (through a pidfd, after checking it is the
 * container's and not a recycled pid), or with {@code all} to every process of its cgroup.
 */
public final class Kill {
    private Kill() {
    }

    public static void run(OciRoot root, String id, int signal, boolean all) throws OciException, IOException {
        ContainerStatus status = root.status(id);
        if (!status.canKill()) {
            throw new OciException(status.refusal(id, "kill"));
        }
        ContainerRecord record = root.requireRecord(id);
        if (all && record.cgroup() != null) {
            for (long pid : pids(record)) {
                try {
                    Processes.kill(pid, signal);
                } catch (ErrnoException e) {
                    // it exited meanwhile
                }
            }
            return;
        }
        try (Fd pidfd = Processes.pidfdOpen(record.pid())) {
            if (!Processes.alive(record.pid(), record.startTime())) {
                throw new OciException("container " + id + " has stopped: nothing to signal");
            }
            Processes.pidfdSendSignal(pidfd.value(), signal);
        } catch (ErrnoException e) {
            throw new OciException("cannot signal container " + id + ": " + e.getMessage(), e);
        }
    }

    /** The pids in the container's cgroup (its process and whatever it started). */
    static java.util.List<Long> pids(ContainerRecord record) throws IOException {
        java.util.List<Long> pids = new java.util.ArrayList<>();
        if (record.cgroup() == null) {
            if (Processes.alive(record.pid(), record.startTime())) {
                pids.add(record.pid());
            }
            return pids;
        }
        try {
            for (String line : Files.readAllLines(Path.of(record.cgroup(), "cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.strip()));
                }
            }
        } catch (NoSuchFileException e) {
            // the cgroup is gone: so are its processes
        }
        return pids;
    }
}
