package io.jrun.runtime.seccomp;

import io.jrun.linux.Architecture;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Seccomp;

import java.util.List;
import java.util.OptionalInt;

/**
 * A compiled seccomp filter, ready to install on the setup thread. Immutable. The instruction
 * fields are kept as the primitive arrays {@link Seccomp#install} takes, so installing after
 * pivot_root allocates nothing on the Java side and loads no class (call {@link #preload()}
 * before the pivot).
 */
public final class SeccompProgram {
    private final Architecture architecture;
    private final int flags;
    private final List<BpfInstruction> instructions;
    private final short[] code;
    private final byte[] jt;
    private final byte[] jf;
    private final int[] k;

    SeccompProgram(Architecture architecture, int flags, List<BpfInstruction> instructions) {
        this.architecture = architecture;
        this.flags = flags;
        this.instructions = List.copyOf(instructions);
        int n = instructions.size();
        code = new short[n];
        jt = new byte[n];
        jf = new byte[n];
        k = new int[n];
        for (int i = 0; i < n; i++) {
            BpfInstruction insn = instructions.get(i);
            code[i] = (short) insn.code();
            jt[i] = (byte) insn.jt();
            jf[i] = (byte) insn.jf();
            k[i] = insn.k();
        }
    }

    /**
     * Installs the filter on the calling thread, for good: it and everything it spawns from now
     * on are filtered; the JVM's other threads are not. Needs no_new_privs set on the thread
     * first, or CAP_SYS_ADMIN.
     */
    public void install() throws ErrnoException {
        Seccomp.install(code, jt, jf, k, flags);
    }

    /** Loads and links what {@link #install()} uses, while the thread can still load classes. */
    public static void preload() {
        Seccomp.preload();
    }

    public Architecture architecture() {
        return architecture;
    }

    /** The SECCOMP_FILTER_FLAG_* bits the filter is installed with. */
    public int flags() {
        return flags;
    }

    public List<BpfInstruction> instructions() {
        return instructions;
    }

    public int size() {
        return instructions.size();
    }

    /** The filter's answer (a SECCOMP_RET_* value) for {@code data}, computed in Java. */
    public int evaluate(SeccompData data) {
        return BpfInterpreter.run(instructions, data);
    }

    /** The filter's answer for the native call {@code name} with {@code args}. */
    public int evaluate(String name, long... args) {
        OptionalInt nr = architecture.syscalls().number(name);
        if (nr.isEmpty()) {
            throw new IllegalArgumentException(architecture.kernelName() + " has no system call " + name);
        }
        return evaluate(SeccompData.of(architecture.auditArch(), nr.getAsInt(), args));
    }

    @Override
    public String toString() {
        return "SeccompProgram[" + architecture.kernelName() + ", " + instructions.size() + " instructions]";
    }
}
