package io.jrun.linux;

/**
 * A terminal's size, the kernel's {@code struct winsize}: what TIOCGWINSZ reads and TIOCSWINSZ
 * sets. Each field is an unsigned 16-bit number; the pixel sizes are mostly 0.
 *
 * @param rows         lines of text
 * @param columns      characters per line
 * @param pixelWidth   width in pixels, or 0
 * @param pixelHeight  height in pixels, or 0
 */
public record WindowSize(int rows, int columns, int pixelWidth, int pixelHeight) {
    /** What a new pseudo-terminal reports until someone sets a size: 0 rows, 0 columns. */
    public static final WindowSize UNSET = new WindowSize(0, 0, 0, 0);

    public WindowSize {
        for (int value : new int[] {rows, columns, pixelWidth, pixelHeight}) {
            if (value < 0 || value > 0xffff) {
                throw new IllegalArgumentException("a window size field is a 16-bit unsigned number, not " + value);
            }
        }
    }

    /** {@code rows} by {@code columns}, no pixel sizes. */
    public static WindowSize of(int rows, int columns) {
        return new WindowSize(rows, columns, 0, 0);
    }

    /** The form {@code stty size} prints: "ROWS COLUMNS". */
    @Override
    public String toString() {
        return rows + " " + columns;
    }
}
