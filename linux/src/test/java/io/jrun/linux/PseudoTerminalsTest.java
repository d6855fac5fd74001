package io.jrun.linux;

import static io.jrun.linux.AtFlags.AT_FDCWD;
import static io.jrun.linux.OpenFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Pseudo-terminal pairs of the host's devpts (the suite runs as root). */
class PseudoTerminalsTest {
    @Test
    void aNewSlaveOpensOnlyOnceUnlocked() throws Exception {
        try (Fd master = FileSyscalls.openat(AT_FDCWD, "/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC, 0)) {
            int n = PseudoTerminals.number(master.value());
            String slave = "/dev/pts/" + n;
            assertThat(Path.of(slave)).exists();
            assertThatThrownBy(() -> FileSyscalls.openat(AT_FDCWD, slave, O_RDWR | O_NOCTTY | O_CLOEXEC, 0))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
            PseudoTerminals.unlock(master.value());
            FileSyscalls.openat(AT_FDCWD, slave, O_RDWR | O_NOCTTY | O_CLOEXEC, 0).close();
        }
    }

    @Test
    void eachPairHasItsOwnNumberAndNode() throws Exception {
        try (PtyPair a = PtyPair.open(); PtyPair b = PtyPair.open()) {
            assertThat(a.number()).isNotEqualTo(b.number());
            assertThat(Files.readSymbolicLink(Path.of("/proc/self/fd/" + a.slave().value())))
                    .isEqualTo(Path.of("/dev/pts/" + a.number()));
        }
    }

    @Test
    void bytesCrossThePairThroughTheSlavesLineDiscipline() throws Exception {
        try (PtyPair pty = PtyPair.open()) {
            // a new slave is cooked: output NL becomes CR NL (ONLCR), typed CR becomes NL (ICRNL)
            PtyPair.write(pty.slave(), "out\n");
            assertThat(PtyPair.read(pty.master())).isEqualTo("out\r\n");
            PtyPair.write(pty.master(), "typed\r");
            assertThat(PtyPair.read(pty.slave())).isEqualTo("typed\n");
            assertThat(PtyPair.read(pty.master())).as("the slave's echo").isEqualTo("typed\r\n");
        }
    }

    @Test
    void theMasterReadsWhatIsLeftThenEioOnceNoSlaveIsOpen() throws Exception {
        try (PtyPair pty = PtyPair.open(); NativeBuffer buffer = new NativeBuffer(4096)) {
            PtyPair.write(pty.slave(), "last words");
            pty.slave().close();
            assertThat(Poll.awaitReadable(pty.master().value())).as("readable: data, then the hang-up").isOne();
            assertThat(buffer.read(pty.master().value())).isEqualTo("last words".length());
            assertThatThrownBy(() -> buffer.read(pty.master().value()))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
        }
    }
}
