package io.jrun.runtime.seccomp;

/**
 * One classic BPF instruction, {@code struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }}:
 * the jump offsets count instructions after the next one and fit in 8 bits, so a conditional
 * jump reaches at most 255 instructions ahead (the assembler inserts a 32-bit {@code ja} where
 * one must go further). Fields hold the unsigned values.
 */
public record BpfInstruction(int code, int jt, int jf, int k) {
    // instruction classes and fields (linux/filter.h, linux/bpf_common.h)
    public static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
    public static final int W = 0x00, ABS = 0x20, IMM = 0x00, MEM = 0x60, LEN = 0x80;
    public static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60,
            RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0;
    public static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
    public static final int K = 0x00, X = 0x08, A = 0x10;
    public static final int TAX = 0x00, TXA = 0x80;

    public BpfInstruction {
        if ((code & ~0xffff) != 0 || (jt & ~0xff) != 0 || (jf & ~0xff) != 0) {
            throw new IllegalArgumentException("code is 16 bits and jt, jf 8 bits: " + code + ", " + jt + ", " + jf);
        }
    }

    /** {@code A = seccomp_data[offset]} (a 32-bit word). */
    public static BpfInstruction load(int offset) {
        return new BpfInstruction(LD | W | ABS, 0, 0, offset);
    }

    /** {@code A &= k}. */
    public static BpfInstruction and(int k) {
        return new BpfInstruction(ALU | AND | K, 0, 0, k);
    }

    /** {@code return k}. */
    public static BpfInstruction ret(int k) {
        return new BpfInstruction(RET | K, 0, 0, k);
    }

    /** {@code goto +k}. */
    public static BpfInstruction jumpAlways(int k) {
        return new BpfInstruction(JMP | JA, 0, 0, k);
    }

    @Override
    public String toString() {
        return String.format("{0x%02x, %d, %d, 0x%08x}", code, jt, jf, k);
    }
}
