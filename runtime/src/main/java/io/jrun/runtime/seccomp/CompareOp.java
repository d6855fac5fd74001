package io.jrun.runtime.seccomp;

/**
 * How a rule compares a system call argument, by the profile names (SCMP_CMP_*). Arguments and
 * values are unsigned 64-bit numbers, compared in full: on x86_64 and aarch64 every argument
 * register is 64 bits wide, whatever C type the kernel gives the parameter.
 */
public enum CompareOp {
    NE("SCMP_CMP_NE"),
    LT("SCMP_CMP_LT"),
    LE("SCMP_CMP_LE"),
    EQ("SCMP_CMP_EQ"),
    GE("SCMP_CMP_GE"),
    GT("SCMP_CMP_GT"),
    /** {@code (arg & value) == valueTwo}: value is the mask. */
    MASKED_EQ("SCMP_CMP_MASKED_EQ");

    private final String profileName;

    CompareOp(String profileName) {
        this.profileName = profileName;
    }

    public String profileName() {
        return profileName;
    }

    /** The operator of a profile name, or null for a name that is not one. */
    public static CompareOp ofProfileName(String name) {
        for (CompareOp op : values()) {
            if (op.profileName.equals(name)) {
                return op;
            }
        }
        return null;
    }
}
