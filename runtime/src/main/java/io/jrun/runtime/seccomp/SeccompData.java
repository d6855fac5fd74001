package io.jrun.runtime.seccomp;

import io.jrun.linux.Seccomp;

import java.util.Arrays;

/**
 * What a seccomp filter sees of a system call, {@code struct seccomp_data}: the number, the
 * AUDIT_ARCH_* of the calling ABI, the instruction pointer and six 64-bit arguments. Used to run
 * a filter in Java ({@link BpfInterpreter}).
 */
public record SeccompData(int nr, int arch, long instructionPointer, long a0, long a1, long a2, long a3, long a4, long a5) {
    /** sizeof(struct seccomp_data). */
    public static final int SIZE = 64;

    public static SeccompData of(int arch, int nr, long... args) {
        if (args.length > 6) {
            throw new IllegalArgumentException("at most six arguments");
        }
        long[] a = Arrays.copyOf(args, 6);
        return new SeccompData(nr, arch, 0, a[0], a[1], a[2], a[3], a[4], a[5]);
    }

    public long arg(int index) {
        return switch (index) {
            case 0 -> a0;
            case 1 -> a1;
            case 2 -> a2;
            case 3 -> a3;
            case 4 -> a4;
            case 5 -> a5;
            default -> throw new IllegalArgumentException("no argument " + index);
        };
    }

    /** The 32-bit word at {@code offset}, as the kernel's filter loads it (little endian). */
    public int word(int offset) {
        if (offset < 0 || offset > SIZE - 4 || offset % 4 != 0) {
            throw new IllegalArgumentException("seccomp_data has no aligned word at " + offset);
        }
        if (offset == Seccomp.DATA_NR) {
            return nr;
        }
        if (offset == Seccomp.DATA_ARCH) {
            return arch;
        }
        long field = offset < Seccomp.DATA_ARGS ? instructionPointer : arg((offset - Seccomp.DATA_ARGS) / 8);
        return (int) (offset % 8 == 0 ? field : field >>> 32);
    }
}
