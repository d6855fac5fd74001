package io.jrun.runtime.pod;

import java.util.List;

/**
 * The security settings a pod's app was started with, as recorded in pod.json: what a process
 * that joins the pod later ({@code jrun enter}) must get too.
 *
 * @param privileged      --privileged was given
 * @param capabilities    the capability set (bounding; for root permitted and effective too),
 *                        CAP_* names by number
 * @param noNewPrivileges no_new_privs is set
 * @param seccomp         "default" (the built-in profile), "unconfined", or the absolute path of
 *                        the profile file as given (its content may have changed since)
 * @param maskedPaths     the masked paths of /proc and /sys
 * @param readOnlyPaths   the read-only paths of /proc and /sys
 */
public record PodSecurity(boolean privileged, List<String> capabilities, boolean noNewPrivileges, String seccomp,
                          List<String> maskedPaths, List<String> readOnlyPaths) {
    public static final String SECCOMP_DEFAULT = "default";
    public static final String SECCOMP_UNCONFINED = "unconfined";

    /**
     * What every pod got before pod.json recorded it (a pod.json without "security"): podman's
     * 11 capabilities, no_new_privs, the default seccomp profile, runc's masked and read-only paths.
     */
    public static final PodSecurity UNRECORDED = new PodSecurity(false,
            List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
                    "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_SETFCAP"),
            true, SECCOMP_DEFAULT,
            List.of("/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
                    "/sys/devices/virtual/powercap"),
            List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"));

    public PodSecurity {
        capabilities = List.copyOf(capabilities);
        maskedPaths = List.copyOf(maskedPaths);
        readOnlyPaths = List.copyOf(readOnlyPaths);
        if (seccomp == null || seccomp.isEmpty()) {
            throw new IllegalArgumentException("a pod's seccomp setting is \"default\", \"unconfined\" or a profile's path");
        }
    }
}
