package io.jrun.runtime.seccomp;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a classic BPF program with symbolic jump targets and resolves them. A conditional
 * jump's jt/jf are 8-bit offsets, so it reaches at most 255 instructions ahead; where a target
 * lies further the assembler keeps the condition and lets it fall into a 32-bit {@code ja}
 * trampoline placed right behind it ("branch relaxation"). Trampolines push later code further
 * away, so offsets are recomputed until no jump needs a new one. Classic BPF only jumps
 * forward: a label placed before its jump is an error.
 */
final class BpfAssembler {
    private static final int MAX_SHORT_JUMP = 255;

    /** A jump target; placed once. */
    static final class Label {
        private int item = -1;
    }

    private sealed interface Item permits Fixed, Conditional, Goto, Mark {
    }

    private record Fixed(BpfInstruction instruction) implements Item {
    }

    private record Goto(Label target) implements Item {
    }

    private record Mark(Label label) implements Item {
    }

    private static final class Conditional implements Item {
        final int code, k;
        final Label onTrue, onFalse;
        boolean trueFar, falseFar;

        Conditional(int code, int k, Label onTrue, Label onFalse) {
            this.code = code;
            this.k = k;
            this.onTrue = onTrue;
            this.onFalse = onFalse;
        }

        int size() {
            return 1 + (trueFar ? 1 : 0) + (falseFar ? 1 : 0);
        }
    }

    private final List<Item> items = new ArrayList<>();

    Label label() {
        return new Label();
    }

    /** Places {@code label} before the next instruction. */
    void place(Label label) {
        if (label.item >= 0) {
            throw new IllegalStateException("label placed twice");
        }
        label.item = items.size();
        items.add(new Mark(label));
    }

    void emit(BpfInstruction instruction) {
        items.add(new Fixed(instruction));
    }

    /** {@code if (A op k) goto onTrue else goto onFalse}; {@code op} is JEQ, JGT, JGE or JSET with K. */
    void jump(int op, int k, Label onTrue, Label onFalse) {
        items.add(new Conditional(BpfInstruction.JMP | op | BpfInstruction.K, k, onTrue, onFalse));
    }

    void jumpTo(Label target) {
        items.add(new Goto(target));
    }

    List<BpfInstruction> assemble() {
        int[] position;
        boolean changed;
        do {
            position = positions();
            changed = false;
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i) instanceof Conditional c) {
                    int next = position[i] + 1;
                    if (!c.trueFar && distance(position, c.onTrue, next) > MAX_SHORT_JUMP) {
                        c.trueFar = changed = true;
                    }
                    if (!c.falseFar && distance(position, c.onFalse, next) > MAX_SHORT_JUMP) {
                        c.falseFar = changed = true;
                    }
                }
            }
        } while (changed);

        List<BpfInstruction> program = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            switch (items.get(i)) {
                case Fixed f -> program.add(f.instruction());
                case Goto g -> program.add(BpfInstruction.jumpAlways(distance(position, g.target(), position[i] + 1)));
                case Mark m -> {
                }
                case Conditional c -> {
                    int next = position[i] + 1;
                    int trampoline = next;
                    int jt = c.trueFar ? trampoline++ - next : distance(position, c.onTrue, next);
                    int jf = c.falseFar ? trampoline - next : distance(position, c.onFalse, next);
                    program.add(new BpfInstruction(c.code, jt, jf, c.k));
                    if (c.trueFar) {
                        program.add(BpfInstruction.jumpAlways(distance(position, c.onTrue, next + 1)));
                    }
                    if (c.falseFar) {
                        int at = next + (c.trueFar ? 1 : 0);
                        program.add(BpfInstruction.jumpAlways(distance(position, c.onFalse, at + 1)));
                    }
                }
            }
        }
        return program;
    }

    /** The instruction index each item starts at, with the current trampolines. */
    private int[] positions() {
        int[] position = new int[items.size()];
        int pc = 0;
        for (int i = 0; i < items.size(); i++) {
            position[i] = pc;
            pc += switch (items.get(i)) {
                case Fixed f -> 1;
                case Goto g -> 1;
                case Mark m -> 0;
                case Conditional c -> c.size();
            };
        }
        return position;
    }

    /** Instructions to skip from {@code from} (the one after the jump) to reach {@code label}. */
    private static int distance(int[] position, Label label, int from) {
        if (label.item < 0) {
            throw new IllegalStateException("jump to a label that is never placed");
        }
        int d = position[label.item] - from;
        if (d < 0) {
            throw new IllegalStateException("classic BPF cannot jump backwards");
        }
        return d;
    }
}
