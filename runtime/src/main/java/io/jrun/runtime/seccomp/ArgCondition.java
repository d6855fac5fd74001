package io.jrun.runtime.seccomp;

/**
 * One comparison of a rule: argument {@code index} (0 to 5) against {@code value}, and for
 * {@link CompareOp#MASKED_EQ} {@code (arg & value) == valueTwo}. Values are unsigned 64-bit
 * numbers held in a long.
 */
public record ArgCondition(int index, long value, long valueTwo, CompareOp op) {
    public ArgCondition {
        if (index < 0 || index > 5) {
            throw new IllegalArgumentException("a system call has arguments 0 to 5, not " + index);
        }
        if (op == null) {
            throw new IllegalArgumentException("no comparison operator");
        }
    }

    /** Whether argument value {@code arg} satisfies the condition: the specification the compiled filter follows. */
    public boolean matches(long arg) {
        return switch (op) {
            case EQ -> arg == value;
            case NE -> arg != value;
            case LT -> Long.compareUnsigned(arg, value) < 0;
            case LE -> Long.compareUnsigned(arg, value) <= 0;
            case GT -> Long.compareUnsigned(arg, value) > 0;
            case GE -> Long.compareUnsigned(arg, value) >= 0;
            case MASKED_EQ -> (arg & value) == valueTwo;
        };
    }
}
