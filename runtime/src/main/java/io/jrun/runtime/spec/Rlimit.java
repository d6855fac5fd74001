package io.jrun.runtime.spec;

/**
 * One of {@code process.rlimits}.
 *
 * @param type an {@code RLIMIT_*} name, e.g. {@code RLIMIT_NOFILE}
 * @param soft the soft limit ({@code -1}, read as unsigned, is unlimited)
 * @param hard the hard limit
 */
public record Rlimit(String type, long soft, long hard) {
    public Rlimit {
        if (type == null || !type.startsWith("RLIMIT_")) {
            throw new IllegalArgumentException("an rlimit's type must be an RLIMIT_* name, not \"" + type + "\"");
        }
        if (Long.compareUnsigned(soft, hard) > 0) {
            throw new IllegalArgumentException(type + ": the soft limit " + Long.toUnsignedString(soft)
                    + " is above the hard limit " + Long.toUnsignedString(hard));
        }
    }
}
