package io.jrun.runtime.terminal;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import sun.misc.Signal;

/**
 * SIGWINCH, the kernel's word that the user's terminal changed size, to whoever listens. A
 * signal's disposition belongs to the whole process, so this is process-wide too: the one
 * handler is installed on the first subscription and stays (SIGWINCH is ignored by default,
 * and the handler does nothing without listeners). Children do not inherit it: posix_spawn
 * resets every signal to its default.
 *
 * <p>The JDK runs each handler call on a new thread started by its "Signal Dispatcher" thread,
 * which no container setup has transformed.
 */
final class WindowChanges {
    private WindowChanges() {
    }

    private static final Set<Runnable> LISTENERS = new CopyOnWriteArraySet<>();
    private static boolean installed; // guarded by WindowChanges.class

    /** Calls {@code listener} on every SIGWINCH until the returned handle is closed. */
    static AutoCloseable subscribe(Runnable listener) {
        synchronized (WindowChanges.class) {
            if (!installed) {
                Signal.handle(new Signal("WINCH"), signal -> LISTENERS.forEach(Runnable::run));
                installed = true;
            }
        }
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
    }
}
