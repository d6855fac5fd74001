package io.jrun.runtime.spec;

/**
 * One of {@code linux.resources.devices}: an entry of the device cgroup's allow/deny list. The
 * last rule that matches an access decides it; an access no rule matches is denied.
 *
 * @param allow  allow or deny
 * @param type   {@code a} (all), {@code c} or {@code b}
 * @param major  the major number, or null for any
 * @param minor  the minor number, or null for any
 * @param access some of {@code r}, {@code w} and {@code m} (mknod); null or empty for all three
 */
public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {
    public DeviceRule {
        type = type == null ? "a" : type;
        if (!"a".equals(type) && !"c".equals(type) && !"b".equals(type)) {
            throw new IllegalArgumentException("a device rule's type must be a, c or b, not \"" + type + "\"");
        }
        access = access == null || access.isEmpty() ? "rwm" : access;
        if (!access.matches("[rwm]{1,3}")) {
            throw new IllegalArgumentException("a device rule's access must be made of r, w and m, not \"" + access + "\"");
        }
        if (major != null && major < 0 || minor != null && minor < 0) {
            throw new IllegalArgumentException("a device rule's major and minor must not be negative (leave them out for any)");
        }
    }
}
