/**
 * The container launch engine: a container is set up on a throw-away platform thread
 * (namespaces, overlay root, /dev, /sys, pivot_root, capabilities) that then posix_spawns the
 * app behind a FIFO gate, while a second thread mounts /proc for the app's pid namespace and
 * opens the gate. See {@link io.jrun.runtime.launch.Launcher}.
 */
package io.jrun.runtime;
