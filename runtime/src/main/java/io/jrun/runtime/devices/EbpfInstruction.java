package io.jrun.runtime.devices;

/**
 * One eBPF instruction, {@code struct bpf_insn { u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32
 * imm; }}: eleven 64-bit registers (r0 the result, r1 the context pointer on entry, r10 the
 * frame pointer), a 16-bit jump offset counted from the next instruction, a 32-bit immediate.
 * The "32" classes (ALU, JMP32) work on the registers' low halves, and an ALU result clears the
 * high half. (The classic BPF of seccomp, {@code io.jrun.runtime.seccomp.BpfInstruction}, has one
 * accumulator and 8-bit forward jumps: another machine, sharing only the opcode bytes' layout.)
 */
public record EbpfInstruction(int code, int dst, int src, int off, int imm) {
    // instruction classes (linux/bpf_common.h, linux/bpf.h)
    public static final int LDX = 0x01, ALU = 0x04, JMP = 0x05, JMP32 = 0x06, ALU64 = 0x07;
    // LDX: size and mode
    public static final int W = 0x00, MEM = 0x60;
    // ALU operations
    public static final int ADD = 0x00, SUB = 0x10, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70, XOR = 0xa0,
            MOV = 0xb0;
    // JMP operations
    public static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40, JNE = 0x50, EXIT = 0x90,
            JLT = 0xa0, JLE = 0xb0;
    // operand source: the immediate or the source register
    public static final int K = 0x00, X = 0x08;

    public EbpfInstruction {
        if ((code & ~0xff) != 0 || (dst & ~0xf) != 0 || (src & ~0xf) != 0 || off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
            throw new IllegalArgumentException("code is 8 bits, registers 4 bits, off 16 bits signed: "
                    + code + ", " + dst + ", " + src + ", " + off);
        }
    }

    /** {@code dst = *(u32 *)(src + off)}. */
    public static EbpfInstruction loadWord(int dst, int src, int off) {
        return new EbpfInstruction(LDX | W | MEM, dst, src, off, 0);
    }

    /** {@code w_dst op= imm} (32-bit: the high half becomes 0). */
    public static EbpfInstruction alu32(int op, int dst, int imm) {
        return new EbpfInstruction(ALU | op | K, dst, 0, 0, imm);
    }

    /** {@code w_dst op= w_src} (32-bit). */
    public static EbpfInstruction alu32Register(int op, int dst, int src) {
        return new EbpfInstruction(ALU | op | X, dst, src, 0, 0);
    }

    /** {@code return r0}. */
    public static EbpfInstruction exit() {
        return new EbpfInstruction(JMP | EXIT, 0, 0, 0, 0);
    }

    /** The instruction as the kernel reads it from memory, as a little-endian 64-bit word. */
    public long encoded() {
        return code | (long) (dst | src << 4) << 8 | (off & 0xffffL) << 16 | (imm & 0xffffffffL) << 32;
    }

    @Override
    public String toString() {
        return String.format("{0x%02x, r%d, r%d, %+d, 0x%08x}", code, dst, src, off, imm);
    }
}
