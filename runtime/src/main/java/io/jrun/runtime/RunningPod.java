package io.jrun.runtime;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Processes;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.pod.PodExit;
import io.jrun.runtime.pod.PodLease;
import io.jrun.runtime.pod.PodManifest;

import java.io.IOException;
import java.time.Instant;
import io.jrun.runtime.launch.RunningContainer;

/**
 * A pod whose app runs, supervised by this process: it holds the pod's lock until the app
 * has ended and its exit is recorded ({@link #waitForExit()}).
 */
public final class RunningPod {
    private final String uuid;
    private final RunningContainer container;
    private final PodLease lease;
    private final PodManifest manifest;
    private final boolean removeOnExit;
    private final Object finishing = new Object();
    private Integer exitCode; // guarded by finishing

    private final PodCgroup cgroup;

    RunningPod(String uuid, RunningContainer container, PodLease lease, PodManifest manifest, boolean removeOnExit,
               PodCgroup cgroup) {
        this.cgroup = cgroup;
        this.uuid = uuid;
        this.container = container;
        this.lease = lease;
        this.manifest = manifest;
        this.removeOnExit = removeOnExit;
    }

    public String uuid() {
        return uuid;
    }

    /** The app's pid on the host. */
    public long pid() {
        return container.pid();
    }

    public PodManifest manifest() {
        return manifest;
    }

    /** The running container, for what needs the process itself (a terminal, say). */
    public RunningContainer container() {
        return container;
    }

    PodLease lease() {
        return lease;
    }

    /** Sends {@code signal} to the app (pid 1 only gets signals it handles, SIGKILL aside). */
    public void signal(int signal) throws ErrnoException {
        container.signal(signal);
    }

    /**
     * Waits for the app to end, records its exit in the pod (or removes the pod with --rm)
     * and lets go of the pod. Returns docker's exit code: the app's, or 128+N for signal N.
     */
    public int waitForExit() throws ErrnoException, IOException {
        synchronized (finishing) {
            if (exitCode != null) {
                return exitCode;
            }
            Processes.ExitStatus status = container.waitForExitStatus();
            String reason = status.signal() != 0 ? PodExit.SIGNAL : PodExit.EXITED;
            if (cgroup != null) {
                // memory.events counts the OOM killer's kills in the pod; then the cgroup goes
                if (cgroup.oomKills() > 0) {
                    reason = PodExit.OOM;
                }
                PodCgroupRecord.remove(cgroup);
            }
            Pods.finish(lease, new PodExit(status.shellCode(), reason, Instant.now(), null), removeOnExit);
            exitCode = status.shellCode();
            return exitCode;
        }
    }
}
