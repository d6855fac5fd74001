package io.jrun.runtime.spec;

import java.util.List;

/**
 * {@code process.user}: numeric IDs, as the specification has them on Linux.
 *
 * @param uid            the user ID
 * @param gid            the group ID
 * @param umask          the file mode creation mask, or null to keep the runtime's (022)
 * @param additionalGids supplementary groups
 */
public record User(long uid, long gid, Integer umask, List<Long> additionalGids) {
    public static final User ROOT = new User(0, 0, null, List.of());

    public User {
        if (uid < 0 || uid > 0xFFFF_FFFEL || gid < 0 || gid > 0xFFFF_FFFEL) {
            throw new IllegalArgumentException("process.user: uid and gid must be 0 to 4294967294");
        }
        additionalGids = additionalGids == null ? List.of() : List.copyOf(additionalGids);
        if (umask != null && (umask < 0 || umask > 0777)) {
            throw new IllegalArgumentException("process.user.umask must be 0 to 0777");
        }
    }
}
