package io.jrun.runtime.prepare;

import java.util.List;

/**
 * How much of the kernel a container sees beyond its namespaces, capabilities and seccomp
 * filter: the launch applies exactly this. {@link #DEFAULT} is docker's and podman's; the
 * user's options ({@link SecurityOptions#hardening()}) loosen it.
 *
 * @param noNewPrivileges the app and its children cannot gain privileges through execve
 *                        (setuid and setgid bits, file capabilities): PR_SET_NO_NEW_PRIVS
 * @param maskedPaths     paths in /proc and /sys hidden from the app: /dev/null over a file,
 *                        an empty read-only tmpfs over a directory
 * @param readOnlyPaths   paths in /proc and /sys the app may read but not write
 * @param writableSysfs   /sys is mounted read-write (--privileged); read-only otherwise
 * @param hostDevices     the host's device nodes are made in the container's /dev too
 *                        (--privileged), as docker and podman do
 */
public record ContainerHardening(boolean noNewPrivileges, List<String> maskedPaths, List<String> readOnlyPaths,
                                 boolean writableSysfs, boolean hostDevices) {

    /** runc's (docker's and podman's) masked paths. */
    public static final List<String> DEFAULT_MASKED = List.of("/proc/asound", "/proc/acpi", "/proc/interrupts",
            "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
            "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");

    /** runc's read-only paths. */
    public static final List<String> DEFAULT_READ_ONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    /** The defaults: no_new_privs, every masked and read-only path, read-only /sys, jrun's own /dev. */
    public static final ContainerHardening DEFAULT = new ContainerHardening(true, DEFAULT_MASKED, DEFAULT_READ_ONLY,
            false, false);

    public ContainerHardening {
        maskedPaths = List.copyOf(maskedPaths);
        readOnlyPaths = List.copyOf(readOnlyPaths);
        for (String path : maskedPaths) {
            checkKernelPath(path);
        }
        for (String path : readOnlyPaths) {
            checkKernelPath(path);
        }
    }

    /** Masking applies inside /proc and /sys: anything else is a mistake of the caller. */
    private static void checkKernelPath(String path) {
        if (!(path.startsWith("/proc/") || path.startsWith("/sys/")) || path.contains("/../") || path.endsWith("/..")) {
            throw new IllegalArgumentException("masked and read-only paths lie below /proc or /sys, not '" + path + "'");
        }
    }
}
