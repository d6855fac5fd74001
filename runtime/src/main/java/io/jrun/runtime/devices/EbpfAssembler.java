package io.jrun.runtime.devices;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds an eBPF program with symbolic jump targets. An eBPF jump has one target (it falls
 * through otherwise) and a signed 16-bit offset, enough for any program jrun makes, so unlike
 * classic BPF's assembler ({@code io.jrun.runtime.seccomp.BpfAssembler}, whose 8-bit offsets
 * need trampolines) this one only resolves labels. Jumps go forward only: the generator makes no
 * loops, and a backward jump would be a bug.
 */
final class EbpfAssembler {

    /** A jump target; placed once. */
    static final class Label {
        private int position = -1;
    }

    private record Jump(int index, Label target) {
    }

    private final List<EbpfInstruction> program = new ArrayList<>();
    private final List<Jump> jumps = new ArrayList<>();

    Label label() {
        return new Label();
    }

    /** Places {@code label} before the next instruction. */
    void place(Label label) {
        if (label.position >= 0) {
            throw new IllegalStateException("label placed twice");
        }
        label.position = program.size();
    }

    void emit(EbpfInstruction instruction) {
        program.add(instruction);
    }

    /** {@code if (w_dst op imm) goto target}, comparing the low 32 bits; {@code op} is JEQ, JNE, JSET… */
    void jump32(int op, int dst, int imm, Label target) {
        jumps.add(new Jump(program.size(), target));
        program.add(new EbpfInstruction(EbpfInstruction.JMP32 | op | EbpfInstruction.K, dst, 0, 0, imm));
    }

    List<EbpfInstruction> assemble() {
        List<EbpfInstruction> out = new ArrayList<>(program);
        for (Jump jump : jumps) {
            if (jump.target().position < 0) {
                throw new IllegalStateException("jump to a label that is never placed");
            }
            int offset = jump.target().position - (jump.index() + 1);
            if (offset < 0) {
                throw new IllegalStateException("jump backwards at instruction " + jump.index());
            }
            if (offset > Short.MAX_VALUE) {
                throw new IllegalStateException("jump of " + offset + " instructions: more than eBPF's 16-bit offset");
            }
            EbpfInstruction i = out.get(jump.index());
            out.set(jump.index(), new EbpfInstruction(i.code(), i.dst(), i.src(), offset, i.imm()));
        }
        return List.copyOf(out);
    }
}
