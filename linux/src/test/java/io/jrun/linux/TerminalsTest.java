package io.jrun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalsTest {
    @Test
    void aPipeIsNotATerminal() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "5").start();
        try {
            // The child's stdin is a pipe from us; check our end through /proc.
            long pid = sleep.pid();
            Path stdin = Path.of("/proc/" + pid + "/fd/0");
            try (Fd fd = FileSyscalls.openat(AtFlags.AT_FDCWD, stdin.toString(),
                    OpenFlags.O_WRONLY | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC, 0)) {
                assertThat(Terminals.isTerminal(fd.value())).isFalse();
                assertThat(Terminals.columns(fd.value())).isZero();
            }
        } finally {
            sleep.destroy();
            sleep.waitFor();
        }
    }

    @Test
    void aRegularFileAndABadFdAreNotTerminals(@TempDir Path dir) throws Exception {
        try (Fd fd = FileSyscalls.openat(AtFlags.AT_FDCWD, dir.toString(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY, 0)) {
            assertThat(Terminals.isTerminal(fd.value())).isFalse();
        }
        assertThat(Terminals.isTerminal(999_999)).isFalse();
        assertThat(Terminals.columns(999_999)).isZero();
    }

    @Test
    void aPseudoTerminalIsATerminalWithOneSizeForBothSides() throws Exception {
        try (PtyPair pty = PtyPair.open()) {
            assertThat(Terminals.isTerminal(pty.master().value())).isTrue();
            assertThat(Terminals.isTerminal(pty.slave().value())).isTrue();
            assertThat(Terminals.windowSize(pty.master().value())).as("a new pair").isEqualTo(WindowSize.UNSET);
            Terminals.setWindowSize(pty.master().value(), new WindowSize(24, 80, 640, 480));
            assertThat(Terminals.windowSize(pty.slave().value())).isEqualTo(new WindowSize(24, 80, 640, 480));
            Terminals.setWindowSize(pty.slave().value(), WindowSize.of(50, 132));
            assertThat(Terminals.windowSize(pty.master().value())).isEqualTo(WindowSize.of(50, 132));
            assertThat(Terminals.columns(pty.master().value())).isEqualTo(132);
        }
    }

    @Test
    void sizesAndModesOfANonTerminalAreEnotty() throws Exception {
        try (Fd fd = FileSyscalls.openat(AtFlags.AT_FDCWD, "/dev/null", OpenFlags.O_RDWR | OpenFlags.O_CLOEXEC, 0)) {
            for (ThrowingCallable call : List.<ThrowingCallable>of(() -> Terminals.windowSize(fd.value()),
                    () -> Terminals.attributes(fd.value()),
                    () -> Terminals.setWindowSize(fd.value(), WindowSize.of(1, 1)))) {
                assertThatThrownBy(call).isInstanceOfSatisfying(ErrnoException.class,
                        e -> assertThat(e.errno()).isEqualTo(Errno.ENOTTY));
            }
        }
    }

    @Test
    void modesRoundTripAndRawModeStopsTheLineDiscipline() throws Exception {
        try (PtyPair pty = PtyPair.open()) {
            Termios cooked = Terminals.attributes(pty.slave().value());
            assertThat(cooked.localModes() & (Termios.ICANON | Termios.ECHO | Termios.ISIG)).as("a new pty is cooked")
                    .isEqualTo(Termios.ICANON | Termios.ECHO | Termios.ISIG);
            assertThat(Terminals.attributes(pty.master().value())).as("the master reports the slave's modes").isEqualTo(cooked);

            Terminals.setAttributes(pty.slave().value(), cooked.raw());
            assertThat(Terminals.attributes(pty.slave().value())).isEqualTo(cooked.raw());
            PtyPair.write(pty.slave(), "out\n");
            assertThat(PtyPair.read(pty.master())).as("no output processing").isEqualTo("out\n");
            PtyPair.write(pty.master(), "k\r");
            assertThat(PtyPair.read(pty.slave())).as("no line editing, no CR mapping").isEqualTo("k\r");
            PtyPair.write(pty.slave(), "after");
            assertThat(PtyPair.read(pty.master())).as("and no echo came before").isEqualTo("after");

            Terminals.setAttributes(pty.slave().value(), cooked);
            assertThat(Terminals.attributes(pty.slave().value())).isEqualTo(cooked);
            PtyPair.write(pty.slave(), "again\n");
            assertThat(PtyPair.read(pty.master())).isEqualTo("again\r\n");
        }
    }

    @Test
    void rawIsExactlyGlibcsCfmakeraw() throws Throwable {
        byte[] pattern = new byte[Termios.NCCS];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (0x41 + i);
        }
        Termios real;
        try (PtyPair pty = PtyPair.open()) {
            real = Terminals.attributes(pty.slave().value());
        }
        for (Termios t : List.of(real, new Termios(-1, -1, -1, -1, (byte) 7, pattern),
                new Termios(0, 0, 0, 0, (byte) 0, new byte[Termios.NCCS]))) {
            assertThat(t.raw()).as("raw() of " + t).isEqualTo(cfmakeraw(t));
        }
        assertThat(real.raw()).isNotEqualTo(real);
    }

    /** glibc's own cfmakeraw on glibc's struct termios (60 bytes; the kernel's fields come first). */
    @SuppressWarnings("restricted")
    private static Termios cfmakeraw(Termios t) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle cfmakeraw = linker.downcallHandle(linker.defaultLookup().find("cfmakeraw").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(60, 4);
            s.set(ValueLayout.JAVA_INT, 0, t.inputModes());
            s.set(ValueLayout.JAVA_INT, 4, t.outputModes());
            s.set(ValueLayout.JAVA_INT, 8, t.controlModes());
            s.set(ValueLayout.JAVA_INT, 12, t.localModes());
            s.set(ValueLayout.JAVA_BYTE, 16, t.lineDiscipline());
            MemorySegment.copy(t.controlCharacters(), 0, s, ValueLayout.JAVA_BYTE, 17, Termios.NCCS);
            cfmakeraw.invokeExact(s);
            byte[] cc = new byte[Termios.NCCS];
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 17, cc, 0, Termios.NCCS);
            return new Termios(s.get(ValueLayout.JAVA_INT, 0), s.get(ValueLayout.JAVA_INT, 4),
                    s.get(ValueLayout.JAVA_INT, 8), s.get(ValueLayout.JAVA_INT, 12), s.get(ValueLayout.JAVA_BYTE, 16), cc);
        }
    }
}
