package io.jrun.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * Terminal modes and sizes, through ioctl(2) on a terminal's descriptor: the kernel's TCGETS
 * and TCSETS (what tcgetattr and tcsetattr(TCSANOW) do underneath) and TIOCGWINSZ/TIOCSWINSZ.
 * On a pseudo-terminal both work from either side: the kernel redirects the master's mode and
 * size ioctls to the slave, so there is one set of modes and one size, the slave's.
 */
public final class Terminals {
    private Terminals() {
    }

    // asm-generic/ioctls.h, the same on x86_64 and aarch64
    private static final long TCGETS = 0x5401;
    private static final long TCSETS = 0x5402;
    private static final long TIOCGWINSZ = 0x5413;
    private static final long TIOCSWINSZ = 0x5414;

    /** True when {@code fd} is a terminal (TCGETS succeeds), like isatty(3). */
    public static boolean isTerminal(int fd) {
        MemorySegment termios = Syscall.scratch().struct();
        return Syscall.raw(NR.ioctl(), fd, TCGETS, termios.address(), 0, 0, 0) == 0;
    }

    /** The terminal's width in columns (TIOCGWINSZ), or 0 when {@code fd} is not a terminal. */
    public static int columns(int fd) {
        MemorySegment winsize = Syscall.scratch().struct();
        if (Syscall.raw(NR.ioctl(), fd, TIOCGWINSZ, winsize.address(), 0, 0, 0) != 0) {
            return 0;
        }
        return Short.toUnsignedInt(winsize.get(ValueLayout.JAVA_SHORT, 2));
    }

    /** The terminal's modes (TCGETS); ENOTTY when {@code fd} is not a terminal. */
    public static Termios attributes(int fd) throws ErrnoException {
        MemorySegment t = Syscall.scratch().struct();
        call("ioctl TCGETS", null, NR.ioctl(), fd, TCGETS, t.address());
        byte[] cc = new byte[Termios.NCCS];
        MemorySegment.copy(t, ValueLayout.JAVA_BYTE, 17, cc, 0, Termios.NCCS);
        return new Termios(t.get(ValueLayout.JAVA_INT, 0), t.get(ValueLayout.JAVA_INT, 4),
                t.get(ValueLayout.JAVA_INT, 8), t.get(ValueLayout.JAVA_INT, 12), t.get(ValueLayout.JAVA_BYTE, 16), cc);
    }

    /**
     * Sets the terminal's modes at once (TCSETS, tcsetattr's TCSANOW). Careful: like tcsetattr,
     * it succeeds when the kernel applied <em>any</em> of the changes; read the modes back to
     * know. Done from a background process group of its controlling terminal, it stops the
     * process with SIGTTOU.
     */
    public static void setAttributes(int fd, Termios termios) throws ErrnoException {
        MemorySegment t = Syscall.scratch().struct();
        t.set(ValueLayout.JAVA_INT, 0, termios.inputModes());
        t.set(ValueLayout.JAVA_INT, 4, termios.outputModes());
        t.set(ValueLayout.JAVA_INT, 8, termios.controlModes());
        t.set(ValueLayout.JAVA_INT, 12, termios.localModes());
        t.set(ValueLayout.JAVA_BYTE, 16, termios.lineDiscipline());
        MemorySegment.copy(termios.controlCharacters(), 0, t, ValueLayout.JAVA_BYTE, 17, Termios.NCCS);
        call("ioctl TCSETS", null, NR.ioctl(), fd, TCSETS, t.address());
    }

    /** The terminal's size (TIOCGWINSZ); ENOTTY when {@code fd} is not a terminal. */
    public static WindowSize windowSize(int fd) throws ErrnoException {
        MemorySegment w = Syscall.scratch().struct(); // struct winsize { u16 row, col, xpixel, ypixel; }
        call("ioctl TIOCGWINSZ", null, NR.ioctl(), fd, TIOCGWINSZ, w.address());
        return new WindowSize(Short.toUnsignedInt(w.get(ValueLayout.JAVA_SHORT, 0)),
                Short.toUnsignedInt(w.get(ValueLayout.JAVA_SHORT, 2)),
                Short.toUnsignedInt(w.get(ValueLayout.JAVA_SHORT, 4)),
                Short.toUnsignedInt(w.get(ValueLayout.JAVA_SHORT, 6)));
    }

    /**
     * Sets the terminal's size (TIOCSWINSZ). When the size differs from the current one, the
     * kernel sends SIGWINCH to the terminal's foreground process group; an unchanged size
     * sends nothing. On a pseudo-terminal the kernel redirects the size ioctls of the master to
     * the slave: there is one size, set and read from either side, and the signal goes to the
     * slave's foreground process group.
     */
    public static void setWindowSize(int fd, WindowSize size) throws ErrnoException {
        MemorySegment w = Syscall.scratch().struct();
        w.set(ValueLayout.JAVA_SHORT, 0, (short) size.rows());
        w.set(ValueLayout.JAVA_SHORT, 2, (short) size.columns());
        w.set(ValueLayout.JAVA_SHORT, 4, (short) size.pixelWidth());
        w.set(ValueLayout.JAVA_SHORT, 6, (short) size.pixelHeight());
        call("ioctl TIOCSWINSZ", null, NR.ioctl(), fd, TIOCSWINSZ, w.address());
    }
}
