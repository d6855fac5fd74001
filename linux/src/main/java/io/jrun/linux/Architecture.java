package io.jrun.linux;

/**
 * The CPU architectures jrun runs on, as the kernel names them to a seccomp filter: the
 * {@code AUDIT_ARCH_*} value in {@code seccomp_data.arch} (linux/audit.h: the ELF machine
 * number, {@code __AUDIT_ARCH_64BIT} 0x80000000 and {@code __AUDIT_ARCH_LE} 0x40000000).
 *
 * <p>A 64-bit kernel also accepts system calls from other ABIs: i386 ({@code int 0x80}) and x32
 * on x86_64, AArch32 on aarch64. A filter must check {@code arch} first, because the same
 * number means a different call in each (i386's 11 is execve, x86_64's is munmap). x32 is the
 * odd one: it reports AUDIT_ARCH_X86_64 and marks its calls with bit 30 of the number
 * ({@link #X32_SYSCALL_BIT}).
 */
public enum Architecture {
    X86_64("x86_64", 0xC000003E),
    AARCH64("aarch64", 0xC00000B7);

    /** AUDIT_ARCH_I386 (EM_386 | LE), i386 binaries on an x86_64 kernel. */
    public static final int AUDIT_ARCH_I386 = 0x40000003;
    /** AUDIT_ARCH_ARM (EM_ARM | LE), AArch32 binaries on an aarch64 kernel. */
    public static final int AUDIT_ARCH_ARM = 0x40000028;
    /** __X32_SYSCALL_BIT: x32 calls are x86_64 calls with this bit set in the number. */
    public static final int X32_SYSCALL_BIT = 0x40000000;

    private final String kernelName;
    private final int auditArch;

    Architecture(String kernelName, int auditArch) {
        this.kernelName = kernelName;
        this.auditArch = auditArch;
    }

    /** The kernel's name, as {@code uname -m} prints it. */
    public String kernelName() {
        return kernelName;
    }

    /** The {@code AUDIT_ARCH_*} value a filter sees in {@code seccomp_data.arch}. */
    public int auditArch() {
        return auditArch;
    }

    /** All system calls of this architecture's native ABI (both tables load on first use). */
    public SyscallTable syscalls() {
        return this == X86_64 ? Tables.X86_64 : Tables.AARCH64;
    }

    private static final class Tables {
        static final SyscallTable X86_64 = SyscallTable.load("x86_64");
        static final SyscallTable AARCH64 = SyscallTable.load("aarch64");
    }

    /** The running JVM's architecture; fails with one clear line elsewhere. */
    public static Architecture current() {
        return SyscallNumbers.forThisMachine() == SyscallNumbers.X86_64 ? X86_64 : AARCH64;
    }
}
