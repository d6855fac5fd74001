package io.jrun.runtime;

import io.jrun.runtime.spec.ConsoleSize;

import java.util.List;

/**
 * What the user asks of {@code jrun enter}: a process to start in a running pod's container.
 *
 * @param command    the command and its arguments; empty for the container's {@code /bin/sh}
 * @param env        K=V entries over the app's environment, in order (a later key wins)
 * @param workingDir -w, an absolute path that must exist in the container; null for the app's
 *                   working directory
 * @param user       -u {@code USER[:GROUP]}, names or numbers, resolved in the container's own
 *                   /etc/passwd and /etc/group; null for the app's user and groups as they are
 * @param terminal    -t: a new terminal of the container's devpts for stdin, stdout and stderr
 * @param consoleSize its initial size, or null
 */
public record EnterRequest(List<String> command, List<String> env, String workingDir, String user, boolean terminal,
                           ConsoleSize consoleSize) {
    /** A request without a terminal. */
    public EnterRequest(List<String> command, List<String> env, String workingDir, String user) {
        this(command, env, workingDir, user, false, null);
    }

    public EnterRequest {
        command = List.copyOf(command);
        env = List.copyOf(env);
        if (!command.isEmpty() && command.getFirst().isEmpty()) {
            throw new IllegalArgumentException("the command to run is empty: give a program, or none for /bin/sh");
        }
        for (String e : env) {
            if (e.indexOf('=') <= 0) {
                throw new IllegalArgumentException("environment entries must be KEY=VALUE, not '" + e + "'");
            }
        }
        if (workingDir != null && !workingDir.startsWith("/")) {
            throw new IllegalArgumentException("the working directory must be an absolute path, not '" + workingDir + "'");
        }
    }
}
