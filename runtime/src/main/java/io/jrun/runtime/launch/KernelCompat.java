package io.jrun.runtime.launch;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a launch copes with kernels older than the one jrun was designed for. Each choice is
 * {@code auto} by default: the new way when the kernel has it, else the old one. Forcing the
 * old way tests it on a new kernel; forcing the new way makes an old kernel fail loudly.
 *
 * <p>Users set them through the environment ({@link #fromEnvironment}); programs that embed jrun
 * pass a value to {@link Launcher#start(ContainerSpec, KernelCompat)}.
 *
 * @param procMount    how /proc is mounted for the container's pid namespace
 *                     ({@value #PROC_MOUNT_VARIABLE})
 * @param overlayMount how the overlay root is mounted ({@value #OVERLAY_MOUNT_VARIABLE})
 */
public record KernelCompat(ProcMountMethod procMount, OverlayMountMethod overlayMount) {
    public static final String PROC_MOUNT_VARIABLE = "JRUN_PROC_MOUNT";
    public static final String OVERLAY_MOUNT_VARIABLE = "JRUN_OVERLAY_MOUNT";

    /** Both automatic. */
    public static final KernelCompat AUTO = new KernelCompat(ProcMountMethod.AUTO, OverlayMountMethod.AUTO);

    public KernelCompat {
        if (procMount == null || overlayMount == null) {
            throw new IllegalArgumentException("a kernel compatibility choice is missing");
        }
    }

    /** How /proc for the container's pid namespace is made. */
    public enum ProcMountMethod implements Named {
        /** fsconfig "pidns" when the kernel knows it, else the helper. */
        AUTO("auto"),
        /** {@code fsconfig(…, "pidns", fd)}: kernel 6.15 or later, fails on older ones. */
        FSCONFIG("fsconfig"),
        /** A short-lived helper process in the container's pid namespace opens the proc context. */
        HELPER("helper");

        private final String value;

        ProcMountMethod(String value) {
            this.value = value;
        }

        @Override
        public String value() {
            return value;
        }
    }

    /** How the overlay of the image's layers is mounted. */
    public enum OverlayMountMethod implements Named {
        /** fsconfig "lowerdir+" when the kernel takes it, else the legacy option string. */
        AUTO("auto"),
        /** One {@code fsconfig(…, "lowerdir+", layer)} per layer: kernel 6.8 or later. */
        LOWERDIR_PLUS("lowerdir+"),
        /** mount(2) with one option string of at most a page. */
        LEGACY("legacy");

        private final String value;

        OverlayMountMethod(String value) {
            this.value = value;
        }

        @Override
        public String value() {
            return value;
        }
    }

    /** An enum constant as users spell it. */
    interface Named {
        String value();
    }

    /**
     * The choices {@code environment} makes ({@value #PROC_MOUNT_VARIABLE},
     * {@value #OVERLAY_MOUNT_VARIABLE}; unset or empty means auto). Throws an
     * IllegalArgumentException whose message is one line naming the variable and the valid
     * values.
     */
    public static KernelCompat fromEnvironment(Map<String, String> environment) {
        return new KernelCompat(
                parse(environment, PROC_MOUNT_VARIABLE, ProcMountMethod.values(), ProcMountMethod.AUTO),
                parse(environment, OVERLAY_MOUNT_VARIABLE, OverlayMountMethod.values(), OverlayMountMethod.AUTO));
    }

    private static <E extends Enum<E> & Named> E parse(Map<String, String> environment, String variable, E[] values,
                                                       E unset) {
        String text = environment.get(variable);
        if (text == null || text.isEmpty()) {
            return unset;
        }
        for (E value : values) {
            if (value.value().equals(text)) {
                return value;
            }
        }
        throw new IllegalArgumentException(variable + "=" + text + " is not valid: use "
                + Arrays.stream(values).map(Named::value).collect(Collectors.joining(", ")) + ", or unset it");
    }
}
