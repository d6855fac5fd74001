package io.jrun.runtime;

import java.util.concurrent.CountDownLatch;

/** What the setup thread and the gate keeper tell each other and the caller during one launch. */
final class Handoff {
    final LaunchListener listener;

    Handoff(LaunchListener listener) {
        this.listener = listener;
    }

    /** Counted down when the setup thread is about to spawn, or has failed before. */
    final CountDownLatch readyToSpawn = new CountDownLatch(1);
    volatile long setupTid;
    /** The container's mount namespace (/proc/thread-self/ns/mnt of the setup thread), or -1. */
    volatile int mountNsFd = -1;
    /** An O_PATH descriptor of the gate FIFO, or -1; closed by the Launcher, after both threads. */
    volatile int gateFd = -1;
    /** The master of the app's terminal (Stdio.terminal), or -1; the Launcher owns it. */
    volatile int terminalFd = -1;
    volatile Throwable setupFailure;
    /** posix_spawn has returned: the child has exec'd or is gone. */
    volatile boolean spawnReturned;
    volatile long pid;
    volatile io.jrun.linux.ErrnoException spawnError;
    volatile Throwable gateFailure;
    volatile boolean released;

    // the pod's cgroup (see PodCgroup): the setup thread has made its cgroup namespace, and the
    // launching thread has then moved jrun out of the pod's cgroup, written the limits and
    // attached the device program
    volatile io.jrun.runtime.cgroup.PodCgroup cgroup;
    /** The program of the pod's device policy, attached with the limits; null for none. */
    volatile io.jrun.runtime.devices.DeviceProgram devices;
    final CountDownLatch cgroupNamespaceMade = new CountDownLatch(1);
    final CountDownLatch cgroupReady = new CountDownLatch(1);
    volatile Throwable cgroupFailure;
}
