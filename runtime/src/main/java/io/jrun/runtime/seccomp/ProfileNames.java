package io.jrun.runtime.seccomp;

import io.jrun.linux.Architecture;
import io.jrun.runtime.spec.CapabilityNames;

import java.util.Set;

/**
 * The vocabularies a docker/OCI profile uses besides actions and operators: libseccomp's
 * architecture names (top level), the short architecture names of docker's includes/excludes,
 * and capability names. Names outside them are refused, so a typo cannot silently switch a rule off.
 */
final class ProfileNames {
    private ProfileNames() {
    }

    /** libseccomp's SCMP_ARCH_* names, for "architectures" and "archMap". */
    static final Set<String> PROFILE_ARCHES = Set.of("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
            "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
            "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
            "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
            "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB");

    /** The names docker's "includes"/"excludes" use for architectures (libseccomp's short ones). */
    static final Set<String> RULE_ARCHES = Set.of("x86", "amd64", "x32", "arm", "arm64", "mips", "mipsel", "mips64",
            "mips64n32", "mipsel64", "mipsel64n32", "mips3l64n32", "ppc", "ppc64", "ppc64le", "s390", "s390x", "parisc",
            "parisc64", "riscv64", "loong64", "loongarch64", "m68k", "sh", "sheb");

    /** The short name docker's includes/excludes give {@code architecture}. */
    static String ruleArch(Architecture architecture) {
        return switch (architecture) {
            case X86_64 -> "amd64";
            case AARCH64 -> "arm64";
        };
    }

    /** The number of capability {@code name} (e.g. CAP_SYS_ADMIN), or -1. */
    static int capability(String name) {
        return CapabilityNames.numberOrMinusOne(name);
    }
}
