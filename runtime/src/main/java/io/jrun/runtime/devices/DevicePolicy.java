package io.jrun.runtime.devices;

import io.jrun.runtime.spec.DeviceRule;
import io.jrun.runtime.spec.Linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which device nodes a container's processes may open and make, enforced by the kernel through
 * a BPF program on the pod's cgroup ({@link #program()}), as runc and crun do on cgroup v2. The
 * nodes themselves are the configuration's {@code linux.devices}, made by the launch.
 *
 * <p>How the rules decide, for one open or mknod of a device: each access it asks for (r, w or
 * m; an open for reading and writing asks for two) is decided by the <em>last</em> rule that
 * matches the device (type, major, minor) and names that access; an access no rule decides is
 * denied; the request is allowed when every access it asks for is. This is runc's devicefilter
 * (last matching rule wins, default deny), made exact for rules that name some accesses only:
 * {@code allow c 1:3 rwm} then {@code deny c 1:3 w} leaves /dev/null readable, not writable.
 * The kernel answers a denied request with EPERM.
 *
 * @param rules OCI {@code linux.resources.devices} entries, in order
 */
public record DevicePolicy(List<DeviceRule> rules) {

    /**
     * The OCI (runc, crun) default allow-list: /dev/null, zero, full, random, urandom, tty,
     * console, ptmx and the pseudo-terminals (/dev/pts/N, major 136), each for reading, writing
     * and mknod; everything else denied. Unlike runc's list there is no {@code c *:* m} and
     * {@code b *:* m}: a container may make a node only for a device it may open anyway.
     */
    public static final List<DeviceRule> DEFAULT_RULES = List.of(
            new DeviceRule(false, "a", null, null, "rwm"),
            DeviceRule.allow("c", 1L, 3L, "rwm"),     // null
            DeviceRule.allow("c", 1L, 5L, "rwm"),     // zero
            DeviceRule.allow("c", 1L, 7L, "rwm"),     // full
            DeviceRule.allow("c", 1L, 8L, "rwm"),     // random
            DeviceRule.allow("c", 1L, 9L, "rwm"),     // urandom
            DeviceRule.allow("c", 5L, 0L, "rwm"),     // tty
            DeviceRule.allow("c", 5L, 1L, "rwm"),     // console
            DeviceRule.allow("c", 5L, 2L, "rwm"),     // ptmx
            DeviceRule.allow("c", 136L, null, "rwm")); // pts/N

    public DevicePolicy {
        rules = List.copyOf(rules);
    }

    /**
     * The policy of an OCI configuration, as crun reads it: the rules of
     * {@code linux.resources.devices} in order, then the default allow-list (every container
     * may use null, zero, full, random, urandom, tty, console, ptmx and its pseudo-terminals
     * whatever its rules say). A node of {@code linux.devices} is made, not allowed: its rule
     * says how it may be used (podman writes one per {@code --device}, with its PERMS), so an
     * empty configuration denies every other device.
     */
    public static DevicePolicy of(Linux linux) {
        List<DeviceRule> rules = new ArrayList<>();
        rules.addAll(linux.resources() == null ? List.of() : linux.resources().devices());
        rules.addAll(DEFAULT_RULES.subList(1, DEFAULT_RULES.size()));
        return new DevicePolicy(rules);
    }

    /** Whether every device is allowed for every access: then no program is needed (and none attached). */
    public boolean allowsAll() {
        int last = lastCatchAll(rules);
        if (last < 0 || !rules.get(last).allow()) {
            return false;
        }
        for (DeviceRule rule : rules.subList(last + 1, rules.size())) {
            if (!rule.allow()) {
                return false;
            }
        }
        return true;
    }

    /** The program that enforces the rules; empty when they {@link #allowsAll allow everything}. */
    public Optional<DeviceProgram> program() {
        return allowsAll() ? Optional.empty() : Optional.of(DeviceFilter.compile(rules));
    }

    /** The index of the last rule that matches every device and access, or -1: no rule before it matters. */
    static int lastCatchAll(List<DeviceRule> rules) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            if (DeviceFilter.coversEverything(rules.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
