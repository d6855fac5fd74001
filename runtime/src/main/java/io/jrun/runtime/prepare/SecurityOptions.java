package io.jrun.runtime.prepare;

import io.jrun.runtime.seccomp.SeccompOption;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import io.jrun.runtime.spec.CapabilityNames;

/**
 * The security options of a run as the user gives them; {@link #capabilities},
 * {@link #hardening()} and {@link #seccomp} say what they mean for the container. Checked when
 * made: an unknown capability name, a capability both added and dropped, or an unmask path
 * that masks nothing is refused with one line.
 *
 * <p>Capabilities, by docker's rules: {@code --cap-add ALL} gives every capability but the
 * dropped ones; {@code --cap-drop ALL} keeps only the added ones; otherwise the defaults lose
 * the dropped ones and gain the added ones. {@code --privileged} starts from every capability,
 * and {@code --cap-drop} still applies (as podman does; docker ignores it).
 *
 * @param privileged      --privileged: every capability, no seccomp filter (unless a profile file
 *                        is named), no masked or read-only paths, /sys and /proc/sys writable,
 *                        the host's devices, and no_new_privs off unless asked for: the app is
 *                        as powerful as root on the host
 * @param capAdd          --cap-add, canonical names (CAP_NET_ADMIN) or ALL
 * @param capDrop         --cap-drop, the same
 * @param noNewPrivileges --security-opt no-new-privileges=true|false; null for the default,
 *                        which is on (off with --privileged)
 * @param unmask          --security-opt unmask=…: paths or globs ({@code /proc/*}) of the masked
 *                        and read-only paths to leave open, or ALL
 */
public record SecurityOptions(boolean privileged, List<String> capAdd, List<String> capDrop, Boolean noNewPrivileges,
                              List<String> unmask) {

    /** No option given. */
    public static final SecurityOptions DEFAULT = new SecurityOptions(false, List.of(), List.of(), null, List.of());

    public SecurityOptions {
        capAdd = canonical(capAdd, "--cap-add");
        capDrop = canonical(capDrop, "--cap-drop");
        if (capAdd.contains(CapabilityNames.ALL) && capDrop.contains(CapabilityNames.ALL)) {
            throw new IllegalArgumentException("--cap-add ALL and --cap-drop ALL contradict each other: keep one");
        }
        for (String cap : capAdd) {
            if (!cap.equals(CapabilityNames.ALL) && capDrop.contains(cap)) {
                throw new IllegalArgumentException("capability " + cap + " is both added and dropped: keep it in one"
                        + " of --cap-add and --cap-drop");
            }
        }
        unmask = List.copyOf(unmask);
        for (String pattern : unmask) {
            if (!pattern.equals(CapabilityNames.ALL) && matching(List.of(pattern), defaults()).isEmpty()) {
                throw new IllegalArgumentException("--security-opt unmask=" + pattern + " matches none of the masked"
                        + " or read-only paths: name one of " + String.join(", ", defaults()) + ", or ALL");
            }
        }
    }

    /**
     * The container's capability set: bounding, and for root permitted and effective too.
     * {@code defaults} is the set without options; {@code available} the capabilities jrun
     * itself holds (its permitted set), which no container can exceed: ALL means those (as in
     * podman), and one named that jrun lacks (or the kernel does not know) is refused.
     */
    public long capabilities(long defaults, long available) {
        long added = named(capAdd, available);
        long dropped = named(capDrop, -1L); // dropping one jrun lacks asks for nothing impossible
        long set = privileged || capAdd.contains(CapabilityNames.ALL) ? available : defaults;
        if (capDrop.contains(CapabilityNames.ALL)) {
            set = 0;
        }
        return ((set & ~dropped) | added) & available;
    }

    /** Whether no_new_privs is set: as asked, else on, except with --privileged. */
    public boolean noNewPrivilegesEnabled() {
        return noNewPrivileges != null ? noNewPrivileges : !privileged;
    }

    /** The seccomp option that applies: --privileged turns the default profile off, not a named file. */
    public SeccompOption seccomp(SeccompOption requested) {
        return privileged && requested.kind() == SeccompOption.Kind.DEFAULT ? SeccompOption.UNCONFINED : requested;
    }

    /** What the launch applies besides capabilities and seccomp. */
    public ContainerHardening hardening() {
        List<String> masked = privileged ? List.of() : remaining(ContainerHardening.DEFAULT_MASKED);
        List<String> readOnly = privileged ? List.of() : remaining(ContainerHardening.DEFAULT_READ_ONLY);
        return new ContainerHardening(noNewPrivilegesEnabled(), masked, readOnly, privileged, privileged);
    }

    private List<String> remaining(List<String> paths) {
        if (unmask.contains(CapabilityNames.ALL)) {
            return List.of();
        }
        List<String> left = new ArrayList<>(paths);
        left.removeAll(matching(unmask, paths));
        return left;
    }

    private static List<String> defaults() {
        List<String> all = new ArrayList<>(ContainerHardening.DEFAULT_MASKED);
        all.addAll(ContainerHardening.DEFAULT_READ_ONLY);
        return all;
    }

    /** The {@code paths} that one of {@code patterns} names (exactly or as a glob). */
    private static List<String> matching(List<String> patterns, List<String> paths) {
        List<String> matched = new ArrayList<>();
        for (String pattern : patterns) {
            PathMatcher glob;
            try {
                glob = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--security-opt unmask=" + pattern + " is not a valid path or glob: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            for (String path : paths) {
                if (path.equals(pattern) || glob.matches(Path.of(path))) {
                    matched.add(path);
                }
            }
        }
        return matched;
    }

    private static List<String> canonical(List<String> names, String option) {
        Set<String> canonical = new LinkedHashSet<>();
        for (String name : names) {
            canonical.add(CapabilityNames.canonical(name, option));
        }
        return List.copyOf(canonical);
    }

    /** The set of the named capabilities; each must be in {@code available}. */
    private static long named(List<String> names, long available) {
        long set = 0;
        for (String name : names) {
            if (name.equals(CapabilityNames.ALL)) {
                continue;
            }
            int number = CapabilityNames.number(name);
            if ((available & (1L << number)) == 0) {
                throw new IllegalArgumentException("capability " + name + " is not available: jrun does not hold it"
                        + " (or the kernel does not know it), and a container cannot have more than jrun: leave it out");
            }
            set |= 1L << number;
        }
        return set;
    }
}
