package io.jrun.runtime.launch;

import io.jrun.runtime.cgroup.CgroupException;
import io.jrun.runtime.cgroup.PodCgroup;

/**
 * The pod's cgroup during a launch (the order is {@link PodCgroup}'s): jrun enters it so that the
 * setup thread's new cgroup namespace is rooted there, leaves it from the launching thread, which
 * stays in the host's cgroup namespace, writes the limits and attaches the device program, and
 * the gate keeper puts the gated app in before it runs. The program is attached only once jrun
 * is out: while the JVM sits in the pod's cgroup its other threads (an embedding program's too)
 * may open devices the pod may not, and the setup thread makes /dev's nodes.
 */
final class CgroupLaunch {
    private CgroupLaunch() {
    }

    static void enter(PodCgroup cgroup) throws LaunchException {
        try {
            cgroup.enterWholeProcess();
        } catch (CgroupException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, e.getMessage(), e);
        }
    }

    /**
     * Waits until the setup thread has unshared its cgroup namespace (or failed), moves jrun
     * home, then writes the limits and attaches the device program unless {@code configure} is
     * false. A failure is kept in the handoff: the gate keeper then kills the gated app instead
     * of placing it, so a pod whose device policy cannot be enforced never runs.
     */
    static void leave(PodCgroup cgroup, Handoff handoff, boolean configure) {
        try {
            awaitUninterruptibly(handoff.cgroupNamespaceMade);
            cgroup.returnHome();
            if (configure) {
                cgroup.applyLimits();
                if (handoff.devices != null) {
                    cgroup.attachDevices(handoff.devices);
                }
            }
        } catch (CgroupException | RuntimeException e) {
            handoff.cgroupFailure = e;
        } finally {
            handoff.cgroupReady.countDown();
        }
    }

    /**
     * Puts the gated app into the pod's cgroup once the limits and the device program are there
     * (the gate keeper's step).
     */
    static void place(Handoff handoff, long pid) throws LaunchException {
        PodCgroup cgroup = handoff.cgroup;
        if (cgroup == null) {
            return;
        }
        awaitUninterruptibly(handoff.cgroupReady);
        try {
            if (handoff.cgroupFailure != null) {
                throw handoff.cgroupFailure;
            }
            cgroup.place(pid);
        } catch (CgroupException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, e.getMessage(), e);
        } catch (Throwable t) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot set up the pod's cgroup: " + t.getMessage(), t);
        }
    }

    private static void awaitUninterruptibly(java.util.concurrent.CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
