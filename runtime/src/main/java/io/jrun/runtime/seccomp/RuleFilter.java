package io.jrun.runtime.seccomp;

import java.util.Set;

/**
 * A rule's "includes" or "excludes" in docker's profile format: conditions on the container
 * rather than on the call. {@code arches} are docker's short names (amd64, arm64, ...),
 * {@code capabilities} a set of CAP_* bits, {@code minKernel} null when absent.
 *
 * <p>As docker evaluates them: a rule applies when the machine's architecture is among the
 * included ones, the container's capability set holds <em>all</em> included capabilities and
 * the kernel is at least the included minimum (each where given); and it does not apply when
 * the architecture is among the excluded ones, the set holds <em>any</em> excluded capability,
 * or the kernel is at least the excluded minimum.
 */
public record RuleFilter(Set<String> arches, long capabilities, KernelVersion minKernel) {
    public static final RuleFilter NONE = new RuleFilter(Set.of(), 0, null);

    public RuleFilter {
        arches = Set.copyOf(arches);
    }

    public boolean isEmpty() {
        return arches.isEmpty() && capabilities == 0 && minKernel == null;
    }

    /** As "includes": whether {@code target} meets every condition given. */
    boolean admits(SeccompTarget target) {
        return (arches.isEmpty() || arches.contains(ProfileNames.ruleArch(target.architecture())))
                && (target.capabilities() & capabilities) == capabilities
                && (minKernel == null || target.kernel().atLeast(minKernel));
    }

    /** As "excludes": whether {@code target} meets any condition given. */
    boolean rejects(SeccompTarget target) {
        return arches.contains(ProfileNames.ruleArch(target.architecture()))
                || (target.capabilities() & capabilities) != 0
                || (minKernel != null && target.kernel().atLeast(minKernel));
    }
}
