package io.jrun.images.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A reader-writer lock shared by every jrun process on one store: fetches, removals and
 * runs hold it shared, garbage collection holds it exclusive.
 *
 * <p>flock-style locks belong to an open file description, and the JVM refuses to take a
 * second lock on a file it already locked ({@code OverlappingFileLockException}). So threads
 * of one JVM coordinate through an in-process lock, and the file lock is taken by the first
 * reader and dropped by the last one.
 */
public final class StoreLock {
    private final Path file;
    private final ReentrantReadWriteLock local = new ReentrantReadWriteLock();
    private final Object fileLockGuard = new Object();
    private int sharedHolders;
    private FileChannel sharedChannel;

    StoreLock(Path file) {
        this.file = file;
    }

    /** Holds the lock shared until closed. Blocks while a gc runs. */
    Held shared() throws IOException {
        local.readLock().lock();
        try {
            synchronized (fileLockGuard) {
                if (sharedHolders == 0) {
                    sharedChannel = open();
                    sharedChannel.lock(0, Long.MAX_VALUE, true);
                }
                sharedHolders++;
            }
        } catch (IOException | RuntimeException e) {
            local.readLock().unlock();
            throw e;
        }
        return () -> {
            synchronized (fileLockGuard) {
                if (--sharedHolders == 0) {
                    sharedChannel.close();
                    sharedChannel = null;
                }
            }
            local.readLock().unlock();
        };
    }

    /** Holds the lock exclusive until closed, or returns null when {@code wait} is false and it is taken. */
    Held exclusive(boolean wait) throws IOException {
        if (wait) {
            local.writeLock().lock();
        } else if (!local.writeLock().tryLock()) {
            return null;
        }
        FileChannel channel = null;
        try {
            channel = open();
            FileLock lock = wait ? channel.lock() : channel.tryLock();
            if (lock == null) {
                channel.close();
                local.writeLock().unlock();
                return null;
            }
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.writeLock().unlock();
            throw e;
        }
        FileChannel held = channel;
        return () -> {
            held.close();
            local.writeLock().unlock();
        };
    }

    private FileChannel open() throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** A held lock; closing releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }
}
