package io.jrun.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Terminal questions, answered by ioctl(2) on a file descriptor. */
public final class Terminals {
    private Terminals() {
    }

    private static final long TCGETS = 0x5401;
    private static final long TIOCGWINSZ = 0x5413;

    /** True when {@code fd} is a terminal (TCGETS succeeds), like isatty(3). */
    public static boolean isTerminal(int fd) {
        MemorySegment termios = Syscall.scratch().struct(); // the kernel's struct termios: 36 bytes
        return Syscall.raw(Syscall.NR.ioctl(), fd, TCGETS, termios.address(), 0, 0, 0) == 0;
    }

    /** The terminal's width in columns (TIOCGWINSZ), or 0 when {@code fd} is not a terminal. */
    public static int columns(int fd) {
        MemorySegment winsize = Syscall.scratch().struct(); // struct winsize { u16 row, col, xpixel, ypixel; }
        if (Syscall.raw(Syscall.NR.ioctl(), fd, TIOCGWINSZ, winsize.address(), 0, 0, 0) != 0) {
            return 0;
        }
        return Short.toUnsignedInt(winsize.get(ValueLayout.JAVA_SHORT, 2));
    }
}
