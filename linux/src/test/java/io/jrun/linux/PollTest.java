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
}
