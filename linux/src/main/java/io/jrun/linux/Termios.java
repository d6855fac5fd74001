package io.jrun.linux;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A terminal's modes, the kernel's {@code struct termios} (TCGETS, TCSETS): four flag words, the
 * line discipline and the control characters. This is the kernel's layout, not glibc's: glibc's
 * struct termios has 32 control characters and separate speed fields, the kernel's has 19 and
 * keeps the speed in the control modes (CBAUD), which are passed back unchanged.
 *
 * <p>The flag values are the same on x86_64 and aarch64 (asm-generic/termbits.h).
 *
 * @param inputModes        c_iflag: ICRNL, IXON…
 * @param outputModes       c_oflag: OPOST, ONLCR…
 * @param controlModes      c_cflag: CSIZE, PARENB, the speed…
 * @param localModes        c_lflag: ECHO, ICANON, ISIG…
 * @param lineDiscipline    c_line, 0 for N_TTY
 * @param controlCharacters c_cc, {@link #NCCS} bytes: VINTR, VEOF, VMIN, VTIME…
 */
public record Termios(int inputModes, int outputModes, int controlModes, int localModes, byte lineDiscipline,
                      byte[] controlCharacters) {
    /** The number of control characters in the kernel's struct termios. */
    public static final int NCCS = 19;
    /** sizeof(struct termios) for the kernel: 4 flag words, c_line, c_cc[19]. */
    static final int SIZE = 36;

    // c_iflag
    public static final int IGNBRK = 0000001, BRKINT = 0000002, PARMRK = 0000010, ISTRIP = 0000040,
            INLCR = 0000100, IGNCR = 0000200, ICRNL = 0000400, IXON = 0002000;
    // c_oflag
    public static final int OPOST = 0000001, ONLCR = 0000004;
    // c_cflag
    public static final int CSIZE = 0000060, CS8 = 0000060, PARENB = 0000400;
    // c_lflag
    public static final int ISIG = 0000001, ICANON = 0000002, ECHO = 0000010, ECHONL = 0000100, IEXTEN = 0100000;
    // c_cc indices
    public static final int VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6;

    public Termios {
        if (controlCharacters.length != NCCS) {
            throw new IllegalArgumentException("struct termios has " + NCCS + " control characters, not "
                    + controlCharacters.length);
        }
        controlCharacters = controlCharacters.clone();
    }

    @Override
    public byte[] controlCharacters() {
        return controlCharacters.clone();
    }

    /**
     * Raw mode, exactly as glibc's cfmakeraw(3): input bytes arrive one by one, unchanged and
     * unechoed (no line editing, no CR/NL mapping, no XON/XOFF, no signal keys), output is not
     * post-processed, characters are 8 bits without parity; a read returns as soon as one byte
     * is there (VMIN 1, VTIME 0).
     */
    public Termios raw() {
        byte[] cc = controlCharacters.clone();
        cc[VMIN] = 1;
        cc[VTIME] = 0;
        return new Termios(
                inputModes & ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON),
                outputModes & ~OPOST,
                (controlModes & ~(CSIZE | PARENB)) | CS8,
                localModes & ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN),
                lineDiscipline, cc);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Termios t && inputModes == t.inputModes && outputModes == t.outputModes
                && controlModes == t.controlModes && localModes == t.localModes
                && lineDiscipline == t.lineDiscipline && Arrays.equals(controlCharacters, t.controlCharacters);
    }

    @Override
    public int hashCode() {
        return ((inputModes * 31 + outputModes) * 31 + controlModes) * 31 + localModes + Arrays.hashCode(controlCharacters);
    }

    @Override
    public String toString() {
        return String.format("Termios[iflag=%o, oflag=%o, cflag=%o, lflag=%o, line=%d, cc=%s]", inputModes,
                outputModes, controlModes, localModes, lineDiscipline, HexFormat.of().formatHex(controlCharacters));
    }
}
