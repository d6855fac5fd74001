package io.jrun.runtime.seccomp;

import static io.jrun.runtime.seccomp.BpfInstruction.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class BpfAssemblerTest {
    private static final SeccompData NR_7 = SeccompData.of(0, 7), NR_8 = SeccompData.of(0, 8);

    @Test
    void nearTargetsAreOneInstruction() {
        BpfAssembler asm = new BpfAssembler();
        BpfAssembler.Label yes = asm.label(), no = asm.label();
        asm.emit(load(0));
        asm.jump(JEQ, 7, yes, no);
        asm.place(no);
        asm.emit(ret(2));
        asm.place(yes);
        asm.emit(ret(1));
        List<BpfInstruction> program = asm.assemble();
        assertThat(program).containsExactly(load(0), new BpfInstruction(JMP | JEQ | K, 1, 0, 7), ret(2), ret(1));
        assertThat(BpfInterpreter.run(program, NR_7)).isEqualTo(1);
        assertThat(BpfInterpreter.run(program, NR_8)).isEqualTo(2);
    }

    @Test
    void farTargetsGoThroughTrampolinesOnEitherSide() {
        for (int padding : new int[] {254, 255, 256, 300, 70000}) {
            for (boolean farTrue : new boolean[] {true, false}) {
                BpfAssembler asm = new BpfAssembler();
                BpfAssembler.Label near = asm.label(), far = asm.label();
                asm.emit(load(0));
                asm.jump(JEQ, 7, farTrue ? far : near, farTrue ? near : far);
                asm.place(near);
                asm.emit(ret(2));
                for (int i = 0; i < padding; i++) {
                    asm.emit(ret(3));
                }
                asm.place(far);
                asm.emit(ret(1));
                List<BpfInstruction> program = asm.assemble();
                assertThat(BpfInterpreter.run(program, NR_7)).as("padding %d", padding).isEqualTo(farTrue ? 1 : 2);
                assertThat(BpfInterpreter.run(program, NR_8)).as("padding %d", padding).isEqualTo(farTrue ? 2 : 1);
                boolean trampoline = padding + 1 > 255;
                assertThat(program).hasSize(padding + 4 + (trampoline ? 1 : 0));
                assertThat(program.get(2).code() == (JMP | JA)).isEqualTo(trampoline);
            }
        }
    }

    @Test
    void bothTargetsFarAndTrampolinesThatPushOthersOutOfRange() {
        // 200 jumps to one label behind 200 instructions: each trampoline pushes the label further
        BpfAssembler asm = new BpfAssembler();
        BpfAssembler.Label a = asm.label(), b = asm.label();
        asm.emit(load(0));
        for (int v = 0; v < 200; v++) {
            BpfAssembler.Label next = asm.label();
            asm.jump(JEQ, v, v % 2 == 0 ? a : b, next);
            asm.place(next);
        }
        asm.jump(JEQ, 1000, a, b);
        for (int i = 0; i < 200; i++) {
            asm.emit(ret(9));
        }
        asm.place(a);
        asm.emit(ret(10));
        asm.place(b);
        asm.emit(ret(11));
        List<BpfInstruction> program = asm.assemble();
        for (int v = 0; v < 200; v++) {
            assertThat(BpfInterpreter.run(program, SeccompData.of(0, v))).isEqualTo(v % 2 == 0 ? 10 : 11);
        }
        assertThat(BpfInterpreter.run(program, SeccompData.of(0, 1000))).isEqualTo(10);
        assertThat(BpfInterpreter.run(program, SeccompData.of(0, 1001))).isEqualTo(11);
    }

    @Test
    void backwardJumpsAndUnplacedLabelsAreRefused() {
        BpfAssembler back = new BpfAssembler();
        BpfAssembler.Label start = back.label(), end = back.label();
        back.place(start);
        back.emit(load(0));
        back.jump(JEQ, 1, start, end);
        back.place(end);
        back.emit(ret(0));
        assertThatThrownBy(back::assemble).hasMessageContaining("backwards");
        BpfAssembler lost = new BpfAssembler();
        lost.jumpTo(lost.label());
        assertThatThrownBy(lost::assemble).hasMessageContaining("never placed");
    }
}
