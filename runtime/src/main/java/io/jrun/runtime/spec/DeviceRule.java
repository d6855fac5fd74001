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
    /** The kernel's device numbers are unsigned 32-bit values (in a device program's context too). */
    private static final long MAX_NUMBER = 0xffffffffL;

    public DeviceRule {
        type = type == null ? "a" : type;
        if (!"a".equals(type) && !"c".equals(type) && !"b".equals(type)) {
            throw new IllegalArgumentException("a device rule's type must be a, c or b, not \"" + type + "\"");
        }
        access = access == null || access.isEmpty() ? "rwm" : access;
        if (!access.matches("[rwm]{1,3}")) {
            throw new IllegalArgumentException("a device rule's access must be made of r, w and m, not \"" + access + "\"");
        }
        for (Long number : new Long[] {major, minor}) {
            if (number != null && (number < 0 || number > MAX_NUMBER)) {
                throw new IllegalArgumentException("a device rule's major and minor must be 0 to " + MAX_NUMBER
                        + ", not " + number + " (leave them out for any)");
            }
        }
    }

    /** {@code allow TYPE MAJOR:MINOR ACCESS}. */
    public static DeviceRule allow(String type, Long major, Long minor, String access) {
        return new DeviceRule(true, type, major, minor, access);
    }

    /** As cgroup v1's devices.list writes it: {@code allow c 1:3 rwm}, with {@code *} for any number. */
    @Override
    public String toString() {
        return (allow ? "allow " : "deny ") + type + " " + (major == null ? "*" : major) + ":" + (minor == null ? "*" : minor)
                + " " + access;
    }
}
