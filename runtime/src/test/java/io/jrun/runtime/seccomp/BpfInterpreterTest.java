package io.jrun.runtime.seccomp;

import static io.jrun.runtime.seccomp.BpfInstruction.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The Java BPF machine on hand-written programs: what the compiler's tests rely on. */
class BpfInterpreterTest {
    private static final SeccompData DATA = new SeccompData(59, 0xC000003E, 0x1122334455667788L,
            0xAAAABBBBCCCCDDDDL, 1, 2, 3, 4, 0xFFFFFFFF00000005L);

    private static int run(BpfInstruction... program) {
        return BpfInterpreter.run(List.of(program), DATA);
    }

    private static BpfInstruction insn(int code, int k) {
        return new BpfInstruction(code, 0, 0, k);
    }

    @Test
    void loadsReadSeccompDataLittleEndian() {
        assertThat(run(load(0), insn(RET | A, 0))).isEqualTo(59);
        assertThat(run(load(4), insn(RET | A, 0))).isEqualTo(0xC000003E);
        assertThat(run(load(8), insn(RET | A, 0))).isEqualTo(0x55667788);
        assertThat(run(load(12), insn(RET | A, 0))).isEqualTo(0x11223344);
        assertThat(run(load(16), insn(RET | A, 0))).as("args[0] low").isEqualTo(0xCCCCDDDD);
        assertThat(run(load(20), insn(RET | A, 0))).as("args[0] high").isEqualTo(0xAAAABBBB);
        assertThat(run(load(60), insn(RET | A, 0))).as("args[5] high").isEqualTo(0xFFFFFFFF);
        assertThat(run(insn(LD | W | LEN, 0), insn(RET | A, 0))).isEqualTo(64);
        assertThatThrownBy(() -> run(load(62), ret(0))).hasMessageContaining("no aligned word at 62");
        assertThatThrownBy(() -> run(load(64), ret(0))).hasMessageContaining("no aligned word at 64");
    }

    @Test
    void aluJumpsAndScratchMemory() {
        assertThat(run(insn(LD | IMM, 10), insn(ALU | ADD | K, 5), insn(ALU | MUL | K, 3), insn(ALU | SUB | K, 1),
                insn(ALU | DIV | K, 4), insn(RET | A, 0))).isEqualTo(11);
        assertThat(run(insn(LD | IMM, -1), insn(ALU | RSH | K, 28), insn(RET | A, 0))).as("logical shift").isEqualTo(15);
        assertThat(run(insn(LD | IMM, 6), insn(ST, 3), insn(LDX | MEM, 3), insn(LD | IMM, 7), insn(ALU | XOR | X, 0),
                insn(RET | A, 0))).isEqualTo(1);
        assertThat(run(insn(LDX | IMM, 9), insn(MISC | TXA, 0), insn(ALU | NEG, 0), insn(RET | A, 0))).isEqualTo(-9);
        assertThat(run(insn(LD | IMM, 13), insn(ALU | MOD | K, 5), insn(MISC | TAX, 0), insn(STX, 15), insn(LD | MEM, 15),
                insn(RET | A, 0))).isEqualTo(3);
        // unsigned comparison: 0xffffffff > 1
        assertThat(run(insn(LD | IMM, -1), new BpfInstruction(JMP | JGT | K, 1, 0, 1), ret(1), ret(2))).isEqualTo(2);
        assertThat(run(insn(LD | IMM, 6), new BpfInstruction(JMP | JSET | K, 0, 1, 4), ret(1), ret(2))).isEqualTo(1);
        assertThat(run(insn(LD | IMM, 6), new BpfInstruction(JMP | JGE | K, 0, 1, 7), ret(1), ret(2))).isEqualTo(2);
        assertThat(run(jumpAlways(1), ret(1), ret(2))).isEqualTo(2);
        assertThat(run(insn(LDX | IMM, 0), insn(LD | IMM, 5), insn(ALU | DIV | X, 0), ret(9))).as("division by zero ends"
                + " the program with 0").isZero();
    }

    @Test
    void runningOffTheEndOrUnknownCodesAreErrors() {
        assertThatThrownBy(() -> run(load(0))).hasMessageContaining("runs past its end");
        assertThatThrownBy(() -> run(jumpAlways(5), ret(0))).hasMessageContaining("runs past its end");
        assertThatThrownBy(() -> run(insn(LD | 0x40 /* BPF_IND */, 0), ret(0))).hasMessageContaining("not one seccomp accepts");
        assertThatThrownBy(() -> run(insn(ST, 16), ret(0))).hasMessageContaining("16 words");
    }
}
