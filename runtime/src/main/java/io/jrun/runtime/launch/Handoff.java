package io.jrun.runtime.launch;

import io.jrun.linux.ErrnoException;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.seccomp.SeccompProgram;

import java.util.concurrent.CountDownLatch;

/** What the setup thread and the gate keeper tell each other and the caller during one launch. */
final class Handoff {
    final LaunchListener listener;

    Handoff(LaunchListener listener) {
        this.listener = listener;
    }

    /** The compiled seccomp filter, or null for none; set before the threads start. */
    volatile SeccompProgram seccomp;
    /** A pid namespace to join (linux.namespaces' pid path), opened before the threads start, or -1. */
    volatile int pidNsToJoin = -1;

    /** Counted down when the setup thread is about to spawn, or has failed before. */
    final CountDownLatch readyToSpawn = new CountDownLatch(1);
    volatile long setupTid;
    /** The container's mount namespace (/proc/thread-self/ns/mnt of the setup thread), or -1. */
    volatile int mountNsFd = -1;
    /** The gate the child waits in; removed by the Launcher on failure, or by start. */
    volatile Gate gate;
    /** Who the app runs as, once resolved in the image. */
    volatile User user;
    /** The master of the app's terminal (process.terminal), or -1; the Launcher owns it. */
    volatile int terminalFd = -1;
    volatile Throwable setupFailure;
    /** posix_spawn has returned: the child has exec'd or is gone. */
    volatile boolean spawnReturned;
    /** The spawned child, found by the gate keeper while posix_spawn still blocks; 0 until then. */
    volatile long child;
    /** What posix_spawn returned: the child's pid once it has exec'd. */
    volatile long pid;
    volatile ErrnoException spawnError;
    volatile Throwable gateFailure;
    /** The gate keeper has done its part: the child waits in its gate, in its cgroup, with /proc. */
    volatile boolean created;

    // the container's cgroup (see PodCgroup), ready before the threads start: the gate keeper
    // places the app in it
    volatile PodCgroup cgroup;
    /** A cgroup namespace rooted at the container's cgroup, for the setup thread to join, or -1. */
    volatile int cgroupNsFd = -1;
}
