package io.jrun.runtime.seccomp;

import java.util.List;

/**
 * One entry of a profile's "syscalls": the named calls get {@code action} when all
 * {@code args} hold (see {@link SeccompCompiler} for how rules combine).
 *
 * @param position where the entry stands in the profile, for messages ({@code syscalls[3]})
 * @param errnoRet the errno of ERRNO, the message of TRACE; null for the default (EPERM)
 */
public record SyscallRule(int position, List<String> names, SeccompAction action, Integer errnoRet,
                          List<ArgCondition> args, RuleFilter includes, RuleFilter excludes) {
    public SyscallRule {
        names = List.copyOf(names);
        args = List.copyOf(args);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a rule names at least one system call");
        }
        if (includes == null) {
            includes = RuleFilter.NONE;
        }
        if (excludes == null) {
            excludes = RuleFilter.NONE;
        }
    }

    /** Whether the rule applies to {@code target} (docker's includes and excludes). */
    boolean appliesTo(SeccompTarget target) {
        return includes.admits(target) && !excludes.rejects(target);
    }
}
