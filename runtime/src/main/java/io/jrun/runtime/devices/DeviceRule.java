package io.jrun.runtime.devices;

import io.jrun.linux.Bpf;

/**
 * One entry of a container's device allow-list, shaped exactly like the OCI runtime spec's
 * {@code linux.resources.devices} entries ({@code {"allow": true, "type": "c", "major": 1,
 * "minor": 3, "access": "rwm"}}), so a config maps onto it one to one. How a list of them
 * decides is {@link DevicePolicy}'s.
 *
 * @param allow  allow (true) or deny (false) what the rule matches
 * @param type   "a" (any), "b" (block) or "c" (character); null means "a", as in the spec
 * @param major  the device's major number, or null for any (the spec's unset value)
 * @param minor  the device's minor number, or null for any
 * @param access a combination of r (open for reading), w (open for writing) and m (mknod);
 *               null means all three ("rwm")
 */
public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {
    /** r, w and m as the kernel's BPF_DEVCG_ACC_* bits. */
    static final int ALL_ACCESS = Bpf.BPF_DEVCG_ACC_MKNOD | Bpf.BPF_DEVCG_ACC_READ | Bpf.BPF_DEVCG_ACC_WRITE;
    /** The kernel's device numbers are unsigned 32-bit values in the program's context. */
    private static final long MAX_NUMBER = 0xffffffffL;

    public DeviceRule {
        type = type == null ? "a" : type;
        access = access == null ? "rwm" : access;
        if (!type.equals("a") && !type.equals("b") && !type.equals("c")) {
            throw new IllegalArgumentException("device rule type '" + type + "': use a (any), b (block) or c (character)");
        }
        for (Long number : new Long[] {major, minor}) {
            if (number != null && (number < 0 || number > MAX_NUMBER)) {
                throw new IllegalArgumentException("device number " + number + " out of range: 0 to " + MAX_NUMBER
                        + ", or none for any");
            }
        }
        if (access.isEmpty() || !access.matches("[rwm]+")) {
            throw new IllegalArgumentException("device access '" + access + "': use r, w and m (read, write, mknod)");
        }
    }

    /** {@code allow (or deny) TYPE MAJOR:MINOR ACCESS}. */
    public static DeviceRule allow(String type, Long major, Long minor, String access) {
        return new DeviceRule(true, type, major, minor, access);
    }

    /** The access as the kernel's BPF_DEVCG_ACC_* bits. */
    int accessBits() {
        int bits = 0;
        for (char c : access.toCharArray()) {
            bits |= switch (c) {
                case 'm' -> Bpf.BPF_DEVCG_ACC_MKNOD;
                case 'r' -> Bpf.BPF_DEVCG_ACC_READ;
                default -> Bpf.BPF_DEVCG_ACC_WRITE;
            };
        }
        return bits;
    }

    /** Whether the rule matches every device and every access: what it says, it says of everything. */
    boolean coversEverything() {
        return type.equals("a") && major == null && minor == null && accessBits() == ALL_ACCESS;
    }

    /** As cgroup v1's devices.list writes it: {@code c 1:3 rwm}, with {@code *} for any number. */
    @Override
    public String toString() {
        return (allow ? "allow " : "deny ") + type + " " + (major == null ? "*" : major) + ":" + (minor == null ? "*" : minor)
                + " " + access;
    }
}
