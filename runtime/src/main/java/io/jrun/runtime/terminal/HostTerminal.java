package io.jrun.runtime.terminal;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Terminals;
import io.jrun.linux.WindowSize;

/**
 * The user's side of a container terminal: the descriptors jrun reads the keyboard from and
 * writes the container's output to. Normally jrun's own stdin and stdout ({@link #standard()});
 * either may be a pipe or a file rather than a terminal. jrun never closes them.
 *
 * @param input  where the user's input comes from (jrun's fd 0)
 * @param output where the container's output goes (jrun's fd 1)
 */
public record HostTerminal(int input, int output) {
    public HostTerminal {
        if (input < 0 || output < 0) {
            throw new IllegalArgumentException("invalid descriptors " + input + ", " + output);
        }
    }

    /** jrun's own stdin and stdout. */
    public static HostTerminal standard() {
        return new HostTerminal(0, 1);
    }

    /** Whether the input is a terminal (only then is there a keyboard to put in raw mode). */
    public boolean inputIsTerminal() {
        return Terminals.isTerminal(input);
    }

    /** Whether the input or the output is a terminal: a size to follow. */
    public boolean hasTerminal() {
        return Terminals.isTerminal(output) || Terminals.isTerminal(input);
    }

    /**
     * The user's terminal size: the output's, as docker takes it, else the input's;
     * {@link WindowSize#UNSET} when neither is a terminal.
     */
    public WindowSize windowSize() {
        for (int fd : new int[] {output, input}) {
            try {
                return Terminals.windowSize(fd);
            } catch (ErrnoException e) {
                // not a terminal (ENOTTY) or closed: try the other one
            }
        }
        return WindowSize.UNSET;
    }
}
