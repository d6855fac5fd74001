package io.jrun.runtime.launch;

import io.jrun.linux.Fd;
import io.jrun.runtime.cgroup.CgroupException;
import io.jrun.runtime.cgroup.CgroupNamespaces;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.devices.DeviceProgram;

/**
 * The pod's cgroup during a launch (the order is {@link PodCgroup}'s): before the launch's
 * threads start, the cgroup namespace the setup thread will join is made
 * ({@link CgroupNamespaces}), the limits written and the device program attached; the gate
 * keeper then puts the gated app in before it runs. jrun never enters the pod's cgroup itself.
 */
final class CgroupLaunch {
    private CgroupLaunch() {
    }

    /**
     * Readies the cgroup for the app: its namespace (when {@code newNamespace}; returned, for the
     * setup thread's setns, else null), its limits and its device program (when not null). A
     * pod whose device policy cannot be enforced never runs: a failure here ends the launch.
     */
    static Fd prepare(PodCgroup cgroup, DeviceProgram devices, boolean newNamespace) throws LaunchException {
        Fd namespace = null;
        try {
            if (newNamespace) {
                namespace = CgroupNamespaces.rootedAt(cgroup.dir());
            }
            cgroup.applyLimits();
            if (devices != null) {
                cgroup.attachDevices(devices);
            }
            return namespace;
        } catch (CgroupException e) {
            if (namespace != null) {
                Launcher.closeQuietly(namespace.value());
            }
            throw new LaunchException(LaunchException.JRUN_ERROR, e.getMessage(), e);
        }
    }

    /** Puts the gated app into the pod's cgroup, which is ready (the gate keeper's step). */
    static void place(Handoff handoff, long pid) throws LaunchException {
        PodCgroup cgroup = handoff.cgroup;
        if (cgroup == null) {
            return;
        }
        try {
            cgroup.place(pid);
        } catch (CgroupException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, e.getMessage(), e);
        }
    }
}
