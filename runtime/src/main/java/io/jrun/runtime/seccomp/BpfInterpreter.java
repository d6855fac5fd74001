package io.jrun.runtime.seccomp;

import java.util.List;

import static io.jrun.runtime.seccomp.BpfInstruction.*;

/**
 * Runs a classic BPF seccomp filter in Java, with the kernel's semantics: 32-bit unsigned
 * accumulator A and index X, sixteen scratch words, loads from {@link SeccompData}, forward
 * jumps only. Covers every instruction the kernel's seccomp checker accepts; anything else, a
 * jump out of the program or running off its end, is an error (the kernel would refuse the
 * filter). jrun uses it to check a compiled profile before installing it.
 */
public final class BpfInterpreter {
    private BpfInterpreter() {
    }

    /** The filter's return value for {@code data}. */
    public static int run(List<BpfInstruction> program, SeccompData data) {
        int a = 0, x = 0;
        int[] mem = new int[16];
        int pc = 0;
        while (true) {
            if (pc < 0 || pc >= program.size()) {
                throw new IllegalStateException("the filter runs past its end at instruction " + pc);
            }
            BpfInstruction i = program.get(pc++);
            int code = i.code(), k = i.k();
            switch (code & 0x07) {
                case LD -> a = switch (code) {
                    case LD | W | ABS -> data.word(k);
                    case LD | W | LEN -> SeccompData.SIZE;
                    case LD | IMM -> k;
                    case LD | MEM -> mem[slot(k)];
                    default -> throw unsupported(pc - 1, i);
                };
                case LDX -> x = switch (code) {
                    case LDX | W | LEN -> SeccompData.SIZE;
                    case LDX | IMM -> k;
                    case LDX | MEM -> mem[slot(k)];
                    default -> throw unsupported(pc - 1, i);
                };
                case ST -> mem[slot(k)] = a;
                case STX -> mem[slot(k)] = x;
                case ALU -> {
                    int operand = (code & X) != 0 ? x : k;
                    a = switch (code & 0xf0) {
                        case ADD -> a + operand;
                        case SUB -> a - operand;
                        case MUL -> a * operand;
                        case DIV -> operand == 0 ? 0 : Integer.divideUnsigned(a, operand); // the kernel returns 0
                        case MOD -> operand == 0 ? 0 : Integer.remainderUnsigned(a, operand);
                        case OR -> a | operand;
                        case AND -> a & operand;
                        case XOR -> a ^ operand;
                        case LSH -> operand >= 32 ? 0 : a << operand;
                        case RSH -> operand >= 32 ? 0 : a >>> operand;
                        case NEG -> -a;
                        default -> throw unsupported(pc - 1, i);
                    };
                    if (operand == 0 && ((code & 0xf0) == DIV || (code & 0xf0) == MOD)) {
                        return 0; // division by zero ends a classic BPF program with 0 (KILL)
                    }
                }
                case JMP -> {
                    if ((code & 0xf0) == JA) {
                        pc += k;
                    } else {
                        int operand = (code & X) != 0 ? x : k;
                        boolean taken = switch (code & 0xf0) {
                            case JEQ -> a == operand;
                            case JGT -> Integer.compareUnsigned(a, operand) > 0;
                            case JGE -> Integer.compareUnsigned(a, operand) >= 0;
                            case JSET -> (a & operand) != 0;
                            default -> throw unsupported(pc - 1, i);
                        };
                        pc += taken ? i.jt() : i.jf();
                    }
                }
                case RET -> {
                    return switch (code & 0x18) {
                        case K -> k;
                        case A -> a;
                        default -> throw unsupported(pc - 1, i);
                    };
                }
                case MISC -> {
                    if ((code & 0xf8) == TAX) {
                        x = a;
                    } else if ((code & 0xf8) == TXA) {
                        a = x;
                    } else {
                        throw unsupported(pc - 1, i);
                    }
                }
                default -> throw unsupported(pc - 1, i);
            }
        }
    }

    private static int slot(int k) {
        if (k < 0 || k >= 16) {
            throw new IllegalStateException("scratch memory has 16 words, not " + k);
        }
        return k;
    }

    private static IllegalStateException unsupported(int pc, BpfInstruction i) {
        return new IllegalStateException("instruction " + pc + " " + i + " is not one seccomp accepts");
    }
}
