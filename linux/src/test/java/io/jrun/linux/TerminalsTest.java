package io.jrun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

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
    void aPseudoTerminalIsATerminalWithAWidth() throws Exception {
        // /dev/ptmx hands out a pty master; TIOCSWINSZ is not wrapped, so check TCGETS only
        // and that columns answers without failing (a fresh pty reports 0 columns).
        try (Fd master = FileSyscalls.openat(AtFlags.AT_FDCWD, "/dev/ptmx",
                OpenFlags.O_RDWR | OpenFlags.O_NOCTTY | OpenFlags.O_CLOEXEC, 0)) {
            assertThat(Terminals.isTerminal(master.value())).isTrue();
            assertThat(Terminals.columns(master.value())).isGreaterThanOrEqualTo(0);
        }
    }
}
