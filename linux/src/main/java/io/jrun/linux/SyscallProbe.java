package io.jrun.linux;

import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Calls any system call of the native table by name with integer arguments, and reports the
 * raw outcome instead of throwing: for probes that check what a seccomp filter, a namespace or
 * a capability set lets through (the probe's arguments never need to be valid: a filter
 * answers before the kernel reads them). Pointers can only be passed as 0 (NULL).
 */
public final class SyscallProbe {
    private SyscallProbe() {
    }

    /** The call's result, or {@code -errno} when it failed. */
    public static long call(String name, long... args) {
        if (args.length > 6) {
            throw new IllegalArgumentException("a system call takes at most six arguments");
        }
        OptionalInt nr = Architecture.current().syscalls().number(name);
        if (nr.isEmpty()) {
            throw new IllegalArgumentException(Architecture.current().kernelName() + " has no system call " + name);
        }
        long[] a = Arrays.copyOf(args, 6);
        return Syscall.raw(nr.getAsInt(), a[0], a[1], a[2], a[3], a[4], a[5]);
    }

    /** The errno name a call failed with ({@code EPERM}), or {@code "ok"} when it succeeded. */
    public static String outcome(String name, long... args) {
        long result = call(name, args);
        return result < 0 && result >= -4095 ? Errno.name((int) -result) : "ok";
    }
}
