package io.jrun.runtime.devices;

import java.util.List;

import static io.jrun.runtime.devices.EbpfInstruction.*;

/**
 * Runs a cgroup device program in Java, with the kernel's semantics for the instructions such a
 * program uses: 64-bit registers, 32-bit ALU and JMP32 classes working on the low halves (an
 * ALU32 result clears the high half), word loads from the 12-byte context that r1 points at,
 * forward and backward jumps, exit. What the verifier would refuse is an error here too: a read
 * of a register never written, a load from anything but the context, running off the end.
 */
final class EbpfInterpreter {
    private EbpfInterpreter() {
    }

    /** The context pointer: r1 holds it on entry; loads are only allowed through it. */
    private static final long CONTEXT = 0x7c7c_0000_0000L;
    private static final int STEP_LIMIT = 1_000_000;

    /** r0 at exit, for {@code struct bpf_cgroup_dev_ctx {accessType, major, minor}}. */
    static long run(List<EbpfInstruction> program, int accessType, int major, int minor) {
        long[] reg = new long[11];
        boolean[] set = new boolean[11];
        reg[1] = CONTEXT;
        set[1] = true;
        set[10] = true;
        int[] context = {accessType, major, minor};
        int pc = 0;
        for (int steps = 0; steps < STEP_LIMIT; steps++) {
            if (pc < 0 || pc >= program.size()) {
                throw new IllegalStateException("the program runs past its end at instruction " + pc);
            }
            EbpfInstruction i = program.get(pc++);
            int cls = i.code() & 0x07;
            switch (cls) {
                case LDX -> {
                    if (i.code() != (LDX | W | MEM)) {
                        throw unsupported(pc - 1, i);
                    }
                    long base = read(reg, set, i.src(), pc - 1);
                    long address = base + i.off();
                    if (base != CONTEXT || address < CONTEXT || address > CONTEXT + 8 || (address - CONTEXT) % 4 != 0) {
                        throw new IllegalStateException("instruction " + (pc - 1) + " " + i + " loads outside the context");
                    }
                    write(reg, set, i.dst(), context[(int) (address - CONTEXT) / 4] & 0xffffffffL);
                }
                case ALU, ALU64 -> {
                    boolean wide = cls == ALU64;
                    long operand = (i.code() & X) != 0 ? read(reg, set, i.src(), pc - 1) : i.imm(); // imm sign-extends
                    int op = i.code() & 0xf0;
                    long a = op == MOV ? 0 : read(reg, set, i.dst(), pc - 1);
                    int shift = (int) (operand & (wide ? 63 : 31));
                    long result = switch (op) {
                        case MOV -> operand;
                        case ADD -> a + operand;
                        case SUB -> a - operand;
                        case AND -> a & operand;
                        case OR -> a | operand;
                        case XOR -> a ^ operand;
                        case LSH -> a << shift;
                        case RSH -> wide ? a >>> shift : (a & 0xffffffffL) >>> shift;
                        default -> throw unsupported(pc - 1, i);
                    };
                    write(reg, set, i.dst(), wide ? result : result & 0xffffffffL);
                }
                case JMP, JMP32 -> {
                    int op = i.code() & 0xf0;
                    if (cls == JMP && op == EXIT) {
                        return read(reg, set, 0, pc - 1);
                    }
                    if (cls == JMP && op == JA) {
                        pc += i.off();
                        continue;
                    }
                    long a = read(reg, set, i.dst(), pc - 1);
                    long b = (i.code() & X) != 0 ? read(reg, set, i.src(), pc - 1) : i.imm();
                    if (cls == JMP32) {
                        a &= 0xffffffffL;
                        b &= 0xffffffffL;
                    }
                    boolean taken = switch (op) {
                        case JEQ -> a == b;
                        case JNE -> a != b;
                        case JSET -> (a & b) != 0;
                        case JGT -> Long.compareUnsigned(a, b) > 0;
                        case JGE -> Long.compareUnsigned(a, b) >= 0;
                        case JLT -> Long.compareUnsigned(a, b) < 0;
                        case JLE -> Long.compareUnsigned(a, b) <= 0;
                        default -> throw unsupported(pc - 1, i);
                    };
                    if (taken) {
                        pc += i.off();
                    }
                }
                default -> throw unsupported(pc - 1, i);
            }
        }
        throw new IllegalStateException("the program did not end within " + STEP_LIMIT + " steps");
    }

    private static long read(long[] reg, boolean[] set, int r, int pc) {
        if (r > 10 || !set[r]) {
            throw new IllegalStateException("instruction " + pc + " reads r" + r + ", which was never written");
        }
        return reg[r];
    }

    private static void write(long[] reg, boolean[] set, int r, long value) {
        if (r >= 10) {
            throw new IllegalStateException("r" + r + " is read-only");
        }
        reg[r] = value;
        set[r] = true;
    }

    private static IllegalStateException unsupported(int pc, EbpfInstruction i) {
        return new IllegalStateException("instruction " + pc + " " + i + " is not one this interpreter runs");
    }
}
