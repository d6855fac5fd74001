package io.jrun.runtime.seccomp;

/**
 * A profile jrun cannot use, in one line that names the profile and the field, e.g.
 * {@code seccomp profile /x.json: syscalls[3].action: unknown action "SCMP_ACT_FOO"}.
 */
public final class SeccompProfileException extends Exception {
    private static final long serialVersionUID = 1L;

    public SeccompProfileException(String source, String problem) {
        super("seccomp profile " + source + ": " + problem);
    }
}
