package io.jrun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * bpf(2), the pieces a cgroup v2 device policy needs: load a {@code BPF_PROG_TYPE_CGROUP_DEVICE}
 * program, attach it to a cgroup, see what is attached, detach it. The kernel runs such a
 * program on every open and mknod of a device node by a task in the cgroup or below; it returns
 * 1 to allow, 0 to deny (EPERM). Programs travel as one {@code long} per instruction, the
 * little-endian {@code struct bpf_insn} (both architectures jrun runs on are little endian), so
 * no caller handles native memory.
 *
 * <p>Kernel rules worth knowing:
 * <ul>
 * <li>Loading needs CAP_BPF or CAP_SYS_ADMIN, attaching, detaching and querying CAP_NET_ADMIN
 *     (root has all).</li>
 * <li>The verifier checks a program at load: it must end, never read an unset register, read
 *     the context ({@code struct bpf_cgroup_dev_ctx}) only in 4-byte words, and return 0 or 1.
 *     It refuses with EACCES or EINVAL and explains itself in a log buffer.</li>
 * <li>A device program calls no kernel helper, so its license need not be GPL-compatible.</li>
 * <li>An attachment holds its own reference: the program's descriptor can be closed after
 *     attaching, and the program lives until it is detached or the cgroup is removed.</li>
 * <li>Several programs may apply to one task: with {@link #BPF_F_ALLOW_MULTI} on a cgroup, the
 *     programs of its descendants run as well and every one must allow. A program attached
 *     without flags forbids any program below it (attaching there fails with EPERM); with
 *     {@link #BPF_F_ALLOW_OVERRIDE} one below replaces it.</li>
 * </ul>
 */
public final class Bpf {
    private Bpf() {
    }

    // bpf(2) commands (enum bpf_cmd)
    private static final int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8, BPF_PROG_DETACH = 9,
            BPF_OBJ_GET_INFO_BY_FD = 15, BPF_PROG_QUERY = 16;

    /** enum bpf_prog_type: the device access check of cgroup v2. */
    public static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    /** enum bpf_attach_type for it. */
    public static final int BPF_CGROUP_DEVICE = 6;

    // BPF_PROG_ATTACH flags
    public static final int BPF_F_ALLOW_OVERRIDE = 1;
    public static final int BPF_F_ALLOW_MULTI = 2;

    /**
     * {@code struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }}: the program's
     * context, at offsets 0, 4 and 8. {@code access_type} holds the device type in its low 16
     * bits and the access in its high 16 bits.
     */
    public static final int CTX_ACCESS_TYPE = 0, CTX_MAJOR = 4, CTX_MINOR = 8;
    public static final int BPF_DEVCG_ACC_MKNOD = 1, BPF_DEVCG_ACC_READ = 2, BPF_DEVCG_ACC_WRITE = 4;
    public static final int BPF_DEVCG_DEV_BLOCK = 1, BPF_DEVCG_DEV_CHAR = 2;

    /** BPF_OBJ_NAME_LEN, the NUL included; a name is letters, digits, '_' and '.'. */
    private static final int NAME_LENGTH = 16;
    /** Room for the verifier's explanation of a refused program (it names the instruction). */
    private static final int LOG_SIZE = 256 * 1024;
    /** Bytes of {@code union bpf_attr} passed; the kernel reads what it knows and wants the rest zero. */
    private static final int ATTR_SIZE = 128;

    /** The kernel refused a program; {@link #verifierLog()} says why (empty when it gave no reason). */
    public static final class LoadException extends java.io.IOException {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String verifierLog;

        LoadException(int errno, String verifierLog) {
            super("bpf(BPF_PROG_LOAD): " + Errno.message(errno) + " (" + Errno.name(errno) + ")"
                    + (verifierLog.isEmpty() ? "" : ": " + lastLine(verifierLog)));
            this.errno = errno;
            this.verifierLog = verifierLog;
        }

        public int errno() {
            return errno;
        }

        /** The verifier's whole log. */
        public String verifierLog() {
            return verifierLog;
        }

        private static String lastLine(String log) {
            String[] lines = log.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    /**
     * Loads a device program and returns its descriptor (close-on-exec). {@code name} (at most
     * 15 characters) is what bpftool shows. A refused program is a {@link LoadException}
     * carrying the verifier's log: the load is tried once without a log (it may not fit a
     * fixed buffer) and, when refused, again with one.
     */
    public static Fd loadCgroupDeviceProgram(long[] instructions, String license, String name) throws LoadException {
        if (instructions.length == 0) {
            throw new IllegalArgumentException("bpf: a program has at least one instruction");
        }
        if (name.length() >= NAME_LENGTH || !name.matches("[A-Za-z0-9_.]*")) {
            throw new IllegalArgumentException("bpf: a program name is at most 15 letters, digits, '_' or '.': " + name);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(8L * instructions.length, 8);
            MemorySegment.copy(instructions, 0, insns, ValueLayout.JAVA_LONG, 0, instructions.length);
            long licenseAddress = Syscall.Scratch.cstring(arena, "bpf", license);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, BPF_PROG_TYPE_CGROUP_DEVICE);
            attr.set(ValueLayout.JAVA_INT, 4, instructions.length);   // insn_cnt
            attr.set(ValueLayout.JAVA_LONG, 8, insns.address());      // insns
            attr.set(ValueLayout.JAVA_LONG, 16, licenseAddress);      // license
            byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(nameBytes, 0, attr, ValueLayout.JAVA_BYTE, 48, nameBytes.length); // prog_name
            long result = Syscall.raw(NR.bpf(), BPF_PROG_LOAD, attr.address(), ATTR_SIZE, 0, 0, 0);
            if (result >= 0) {
                return new Fd((int) result);
            }
            int errno = (int) -result;
            if (errno != Errno.EACCES && errno != Errno.EINVAL && errno != Errno.E2BIG) {
                throw new LoadException(errno, "");
            }
            // again, asking the verifier why
            MemorySegment log = arena.allocate(LOG_SIZE);
            attr.set(ValueLayout.JAVA_INT, 24, 1);                    // log_level
            attr.set(ValueLayout.JAVA_INT, 28, LOG_SIZE);             // log_size
            attr.set(ValueLayout.JAVA_LONG, 32, log.address());       // log_buf
            result = Syscall.raw(NR.bpf(), BPF_PROG_LOAD, attr.address(), ATTR_SIZE, 0, 0, 0);
            if (result >= 0) {
                return new Fd((int) result); // accepted the second time: nothing to explain
            }
            throw new LoadException((int) -result, log.getString(0, StandardCharsets.UTF_8));
        }
    }

    /**
     * Attaches the device program {@code programFd} to the cgroup v2 directory {@code cgroupFd}
     * (an O_RDONLY descriptor of it), with {@code flags} 0, {@link #BPF_F_ALLOW_OVERRIDE} or
     * {@link #BPF_F_ALLOW_MULTI}.
     */
    public static void attachCgroupDevice(int cgroupFd, int programFd, int flags) throws ErrnoException {
        MemorySegment attr = zeroedAttr();
        attr.set(ValueLayout.JAVA_INT, 0, cgroupFd);        // target_fd
        attr.set(ValueLayout.JAVA_INT, 4, programFd);       // attach_bpf_fd
        attr.set(ValueLayout.JAVA_INT, 8, BPF_CGROUP_DEVICE);
        attr.set(ValueLayout.JAVA_INT, 12, flags);          // attach_flags
        call("bpf(BPF_PROG_ATTACH)", null, NR.bpf(), BPF_PROG_ATTACH, attr.address(), 20);
    }

    /** Detaches the device program {@code programFd} from the cgroup {@code cgroupFd}. */
    public static void detachCgroupDevice(int cgroupFd, int programFd) throws ErrnoException {
        MemorySegment attr = zeroedAttr();
        attr.set(ValueLayout.JAVA_INT, 0, cgroupFd);
        attr.set(ValueLayout.JAVA_INT, 4, programFd);
        attr.set(ValueLayout.JAVA_INT, 8, BPF_CGROUP_DEVICE);
        call("bpf(BPF_PROG_DETACH)", null, NR.bpf(), BPF_PROG_DETACH, attr.address(), 20);
    }

    /**
     * What is attached to the cgroup itself (not inherited from above).
     *
     * @param flags      the attach flags the cgroup's programs were attached with
     * @param programIds the kernel's ids of the programs, in the order they run
     */
    public record Attached(int flags, int[] programIds) {
    }

    /** The device programs attached to the cgroup {@code cgroupFd} (BPF_PROG_QUERY). */
    public static Attached queryCgroupDevice(int cgroupFd) throws ErrnoException {
        while (true) {
            MemorySegment attr = zeroedAttr();
            attr.set(ValueLayout.JAVA_INT, 0, cgroupFd);    // target_fd
            attr.set(ValueLayout.JAVA_INT, 4, BPF_CGROUP_DEVICE);
            call("bpf(BPF_PROG_QUERY)", null, NR.bpf(), BPF_PROG_QUERY, attr.address(), 28); // prog_cnt 0: count only
            int count = attr.get(ValueLayout.JAVA_INT, 24);
            if (count == 0) {
                return new Attached(attr.get(ValueLayout.JAVA_INT, 12), new int[0]);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ids = arena.allocate(4L * count, 4);
                MemorySegment query = arena.allocate(ATTR_SIZE, 8);
                query.set(ValueLayout.JAVA_INT, 0, cgroupFd);
                query.set(ValueLayout.JAVA_INT, 4, BPF_CGROUP_DEVICE);
                query.set(ValueLayout.JAVA_LONG, 16, ids.address()); // prog_ids
                query.set(ValueLayout.JAVA_INT, 24, count);          // prog_cnt
                long result = Syscall.raw(NR.bpf(), BPF_PROG_QUERY, query.address(), 28, 0, 0, 0);
                if (result == -Errno.ENOSPC) {
                    continue; // one was attached meanwhile: count again
                }
                if (result < 0) {
                    throw new ErrnoException("bpf(BPF_PROG_QUERY)", null, (int) -result);
                }
                int found = query.get(ValueLayout.JAVA_INT, 24);
                return new Attached(query.get(ValueLayout.JAVA_INT, 12), ids.asSlice(0, 4L * found).toArray(ValueLayout.JAVA_INT));
            }
        }
    }

    /** The kernel's id of the program {@code programFd} (what {@link #queryCgroupDevice} lists). */
    public static int programId(int programFd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(8, 8); // struct bpf_prog_info { u32 type; u32 id; ... }: its head
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, programFd);       // bpf_fd
            attr.set(ValueLayout.JAVA_INT, 4, (int) info.byteSize()); // info_len
            attr.set(ValueLayout.JAVA_LONG, 8, info.address()); // info
            call("bpf(BPF_OBJ_GET_INFO_BY_FD)", null, NR.bpf(), BPF_OBJ_GET_INFO_BY_FD, attr.address(), 16);
            return info.get(ValueLayout.JAVA_INT, 4);
        }
    }

    /** The scratch struct area, zeroed: a short attr for one call (the wrappers never overlap). */
    private static MemorySegment zeroedAttr() {
        MemorySegment attr = Syscall.scratch().struct().asSlice(0, ATTR_SIZE);
        attr.fill((byte) 0);
        return attr;
    }
}
