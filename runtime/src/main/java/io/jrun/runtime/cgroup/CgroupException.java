package io.jrun.runtime.cgroup;

/** A pod's cgroup cannot be made or a limit cannot be applied; the message is one line for the user. */
public final class CgroupException extends Exception {
    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
