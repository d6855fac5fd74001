package io.jrun.runtime.launch;

import java.util.List;

/**
 * The numeric identity the app runs as: user, primary group and supplementary groups (names
 * are resolved from the image's /etc/passwd and /etc/group before they get here).
 */
public record User(long uid, long gid, List<Long> groups) {
    public static final User ROOT = new User(0, 0, List.of());

    public User {
        groups = List.copyOf(groups);
        if (uid < 0 || uid > 0xfffffffeL || gid < 0 || gid > 0xfffffffeL) {
            throw new IllegalArgumentException("user and group ids must be between 0 and 4294967294: " + uid + ":" + gid);
        }
        for (long g : groups) {
            if (g < 0 || g > 0xfffffffeL) {
                throw new IllegalArgumentException("group ids must be between 0 and 4294967294: " + g);
            }
        }
    }

    public boolean isRoot() {
        return uid == 0;
    }
}
