package io.jrun.runtime.seccomp;

import io.jrun.linux.Seccomp;

/**
 * What a profile can do with a system call, by the names docker, the OCI runtime spec and
 * libseccomp use. {@code SCMP_ACT_KILL} kills the thread, as libseccomp defines it.
 * {@code SCMP_ACT_NOTIFY} (a user-space agent answers) is not offered: jrun has no agent.
 */
public enum SeccompAction {
    KILL("SCMP_ACT_KILL", Seccomp.SECCOMP_RET_KILL_THREAD),
    KILL_THREAD("SCMP_ACT_KILL_THREAD", Seccomp.SECCOMP_RET_KILL_THREAD),
    KILL_PROCESS("SCMP_ACT_KILL_PROCESS", Seccomp.SECCOMP_RET_KILL_PROCESS),
    TRAP("SCMP_ACT_TRAP", Seccomp.SECCOMP_RET_TRAP),
    ERRNO("SCMP_ACT_ERRNO", Seccomp.SECCOMP_RET_ERRNO),
    TRACE("SCMP_ACT_TRACE", Seccomp.SECCOMP_RET_TRACE),
    LOG("SCMP_ACT_LOG", Seccomp.SECCOMP_RET_LOG),
    ALLOW("SCMP_ACT_ALLOW", Seccomp.SECCOMP_RET_ALLOW);

    private final String profileName;
    private final int ret;

    SeccompAction(String profileName, int ret) {
        this.profileName = profileName;
        this.ret = ret;
    }

    /** The name in a profile, e.g. {@code SCMP_ACT_ERRNO}. */
    public String profileName() {
        return profileName;
    }

    /** Whether the action carries a number: the errno for ERRNO, the message for a tracer. */
    public boolean takesData() {
        return this == ERRNO || this == TRACE;
    }

    /**
     * The filter's return value; {@code data} (an errno, a trace message number) is used by
     * ERRNO and TRACE only.
     */
    public int ret(int data) {
        return takesData() ? ret | (data & Seccomp.SECCOMP_RET_DATA) : ret;
    }

    /** The action of a profile name, or null for a name that is not one. */
    public static SeccompAction ofProfileName(String name) {
        for (SeccompAction action : values()) {
            if (action.profileName.equals(name)) {
                return action;
            }
        }
        return null;
    }
}
