package io.jrun.runtime.launch;

/** Waiting for jrun's throw-away threads. */
public final class Threads {
    private Threads() {
    }

    /**
     * Waits for {@code thread} to end even when interrupted meanwhile (the interrupt is kept
     * for the caller): a launch must never return while one of its threads still works.
     */
    public static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
