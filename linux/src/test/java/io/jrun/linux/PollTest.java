package io.jrun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ppoll on a pseudo-terminal and an eventfd, the pair a relay thread waits on. */
class PollTest {
    @Test
    void anEventFdWakesAWaitingThreadAndStaysReadable() throws Exception {
        try (PtyPair pty = PtyPair.open(); Fd wake = EventFd.create()) {
            long[] ready = new long[1];
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    ready[0] = Poll.awaitReadable(pty.master().value(), wake.value());
                } catch (ErrnoException e) {
                    throw new AssertionError(e);
                }
            });
            EventFd.signal(wake.value());
            waiter.join();
            assertThat(ready[0]).as("only the eventfd: the terminal has nothing").isEqualTo(0b10);
            assertThat(Poll.awaitReadable(wake.value())).as("still signalled").isOne();
        }
    }

    @Test
    void dataOnTheTerminalIsReported() throws Exception {
        try (PtyPair pty = PtyPair.open(); Fd wake = EventFd.create()) {
            PtyPair.write(pty.slave(), "x");
            assertThat(Poll.awaitReadable(pty.master().value(), wake.value())).isEqualTo(0b01);
        }
    }

    @Test
    void aPidfdBecomesReadableWhenItsProcessExitsAndATimedWaitReturnsNothingBefore() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "600").start();
        try (Fd pidfd = Processes.pidfdOpen(sleeper.pid()); Fd wake = EventFd.create()) {
            assertThat(Poll.awaitReadable(java.time.Duration.ZERO, pidfd.value())).as("alive: a look finds nothing").isZero();
            assertThat(Poll.awaitReadable(java.time.Duration.ofMillis(20), pidfd.value(), wake.value())).as("alive, 20 ms later").isZero();
            sleeper.destroyForcibly();
            assertThat(Poll.awaitReadable(java.time.Duration.ofMinutes(1), pidfd.value(), wake.value())).as("exited").isEqualTo(0b01);
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }
}
