package io.jrun.runtime.spec;

/** {@code process.consoleSize}: the terminal's initial size, in characters. */
public record ConsoleSize(int height, int width) {
    public ConsoleSize {
        if (height < 0 || width < 0 || height > 0xFFFF || width > 0xFFFF) {
            throw new IllegalArgumentException("process.consoleSize: height and width must be 0 to 65535");
        }
    }
}
