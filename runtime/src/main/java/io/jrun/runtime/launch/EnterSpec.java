package io.jrun.runtime.launch;

import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.spec.ConsoleSize;
import io.jrun.runtime.spec.Seccomp;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@link Enter} needs to start a process in a running container ({@code jrun enter},
 * {@code docker exec}): the target, and the process.
 *
 * @param label       the container's name, for messages
 * @param pid         the container's pid 1, as the host sees it
 * @param startTime   its start time (clock ticks since boot, /proc/PID/stat field 22): the pid
 *                    must still be that process; 0 to trust the pid
 * @param command     the command; empty for the container's /bin/sh
 * @param env         the environment, "K=V"
 * @param workingDir  an absolute directory the container has
 * @param user        {@code USER[:GROUP]} resolved in the container, or null for the app's identity
 * @param terminal    a new terminal of the container's devpts for stdin, stdout and stderr
 * @param consoleSize its initial size, or null
 * @param seccomp     the container's filter (its configuration's), or null for none
 * @param stdio       where stdin, stdout and stderr go without a terminal
 * @param gateParent  where the process's gate directory is made (it waits there until it is in
 *                    the cgroup)
 * @param cgroup      the container's cgroup, which the process joins before it runs; null for none
 * @param identity    who the process runs as, in numbers ({@code jrun-oci exec}'s process.user);
 *                    null for {@code user}, or the app's identity
 * @param capabilities its capability sets; null for the app's (bounding; for root also permitted
 *                    and effective)
 * @param noNewPrivileges no_new_privs; null for the app's
 */
public record EnterSpec(String label, long pid, long startTime, List<String> command, List<String> env,
                        String workingDir, String user, boolean terminal, ConsoleSize consoleSize, Seccomp seccomp,
                        Stdio stdio, Path gateParent, PodCgroup cgroup, io.jrun.runtime.spec.User identity,
                        io.jrun.runtime.spec.CapabilitySets capabilities, Boolean noNewPrivileges) {
    public EnterSpec {
        command = List.copyOf(command);
        env = List.copyOf(env);
        stdio = stdio == null ? Stdio.inherit() : stdio;
        if (workingDir == null || !workingDir.startsWith("/")) {
            throw new IllegalArgumentException("the working directory must be an absolute path, not \"" + workingDir + "\"");
        }
    }

    /** A process like the app: its identity (or {@code user}'s), capabilities and no_new_privs ({@code jrun enter}). */
    public EnterSpec(String label, long pid, long startTime, List<String> command, List<String> env, String workingDir,
                     String user, boolean terminal, ConsoleSize consoleSize, Seccomp seccomp, Stdio stdio, Path gateParent,
                     PodCgroup cgroup) {
        this(label, pid, startTime, command, env, workingDir, user, terminal, consoleSize, seccomp, stdio, gateParent,
                cgroup, null, null, null);
    }

    /** The PATH the command is searched in: the environment's, or docker's default. */
    String path() {
        return ContainerSetup.path(env);
    }
}
