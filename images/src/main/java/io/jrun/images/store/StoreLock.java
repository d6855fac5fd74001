package io.jrun.images.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A reader-writer lock shared by every jrun process on one store: fetches, removals and
 * runs hold it shared, garbage collection holds it exclusive. It is a flock on store.lock
 * (see {@link LockFile}), so threads of one process take it like separate processes do.
 */
public final class StoreLock {
    private final Path file;

    StoreLock(Path file) {
        this.file = file;
    }

    /** Holds the lock shared until closed. Blocks while a gc runs. */
    Held shared() throws IOException {
        return LockFile.lock(file, true);
    }

    /** Holds the lock exclusive until closed, or returns null when {@code wait} is false and it is taken. */
    Held exclusive(boolean wait) throws IOException {
        return wait ? LockFile.lock(file, false) : LockFile.tryLock(file, true);
    }

    /** A held lock; closing releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }
}
