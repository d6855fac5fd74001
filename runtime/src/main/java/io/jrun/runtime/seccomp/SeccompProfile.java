package io.jrun.runtime.seccomp;

import io.jrun.linux.Errno;

import java.util.List;
import java.util.Set;

/**
 * A seccomp profile in docker's (and the OCI runtime spec's) format, parsed and checked by
 * {@link ProfileParser}.
 *
 * @param source          where it came from, for messages: a path or "the built-in default profile"
 * @param defaultAction   what calls no rule decides get
 * @param defaultErrnoRet the errno (or trace message) of the default action; null for EPERM
 * @param architectures   the SCMP_ARCH_* names the profile lists ("architectures", or the
 *                        "archMap" entries); informational for jrun, which filters the native
 *                        ABI and kills every other one
 * @param filterFlags     Seccomp.SECCOMP_FILTER_FLAG_LOG and/or _SPEC_ALLOW
 */
public record SeccompProfile(String source, SeccompAction defaultAction, Integer defaultErrnoRet,
                             Set<String> architectures, int filterFlags, List<SyscallRule> syscalls) {
    public SeccompProfile {
        architectures = Set.copyOf(architectures);
        syscalls = List.copyOf(syscalls);
        if (defaultAction == null) {
            throw new IllegalArgumentException("a profile needs a default action");
        }
    }

    /** The default action's filter return value. */
    public int defaultRet() {
        return defaultAction.ret(defaultErrnoRet == null ? Errno.EPERM : defaultErrnoRet);
    }
}
