package io.jrun.runtime.spec;

import java.util.List;

/**
 * {@code linux.seccomp}: the filter, as the specification has it (docker's profile format
 * without its conditions on capabilities, architectures and kernels, which are resolved when a
 * configuration is prepared).
 *
 * @param defaultAction   {@code SCMP_ACT_*} for a system call no rule names
 * @param defaultErrnoRet the errno for a default {@code SCMP_ACT_ERRNO}, or null (EPERM)
 * @param architectures   {@code SCMP_ARCH_*} names the filter also admits
 * @param flags           {@code SECCOMP_FILTER_FLAG_*} names
 * @param syscalls        the rules, in order
 */
public record Seccomp(String defaultAction, Integer defaultErrnoRet, List<String> architectures, List<String> flags,
                      List<Syscall> syscalls) {
    public Seccomp {
        if (defaultAction == null || defaultAction.isEmpty()) {
            throw new IllegalArgumentException("linux.seccomp.defaultAction is missing");
        }
        architectures = architectures == null ? List.of() : List.copyOf(architectures);
        flags = flags == null ? List.of() : List.copyOf(flags);
        syscalls = syscalls == null ? List.of() : List.copyOf(syscalls);
    }

    /**
     * One rule.
     *
     * @param names    system call names
     * @param action   {@code SCMP_ACT_*}
     * @param errnoRet the errno for {@code SCMP_ACT_ERRNO}, or null (EPERM)
     * @param args     conditions on arguments, all of which must hold
     */
    public record Syscall(List<String> names, String action, Integer errnoRet, List<Arg> args) {
        public Syscall {
            names = names == null ? List.of() : List.copyOf(names);
            args = args == null ? List.of() : List.copyOf(args);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("a linux.seccomp.syscalls entry names no system call");
            }
            if (action == null || action.isEmpty()) {
                throw new IllegalArgumentException("a linux.seccomp.syscalls entry has no action");
            }
        }
    }

    /** A condition on argument {@code index}: {@code op} is {@code SCMP_CMP_*}. */
    public record Arg(int index, long value, long valueTwo, String op) {
    }
}
