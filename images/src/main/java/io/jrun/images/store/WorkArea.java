package io.jrun.images.store;

import io.jrun.linux.Uuids;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A directory under the store's tmp/ where one process builds content before renaming it
 * into place. Its sibling ID.lock stays locked while the owner lives, so a crash (even
 * SIGKILL) leaves an area anyone can recognise as abandoned and remove.
 */
public final class WorkArea implements AutoCloseable {
    private final Path dir;
    private final Path lockFile;
    private final StoreLock.Held lock;

    private WorkArea(Path dir, Path lockFile, StoreLock.Held lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    static WorkArea create(Path tmp) throws IOException {
        String id = Uuids.random().toString();
        Path lockFile = tmp.resolve(id + ".lock");
        StoreLock.Held lock = LockFile.createLocked(lockFile);
        try {
            Path dir = Files.createDirectory(tmp.resolve(id));
            return new WorkArea(dir, lockFile, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            Files.deleteIfExists(lockFile);
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    /** A new, empty subdirectory of this area. */
    public Path newDirectory(String name) throws IOException {
        return Files.createDirectory(dir.resolve(name));
    }

    @Override
    public void close() throws IOException {
        try {
            Trees.deleteRecursively(dir);
            Files.deleteIfExists(lockFile);
        } finally {
            lock.close();
        }
    }

    static boolean removeIfAbandoned(Path lockFile) throws IOException {
        String name = lockFile.getFileName().toString();
        Path dir = lockFile.resolveSibling(name.substring(0, name.length() - ".lock".length()));
        // null when its owner lives (in this process too: flock knows descriptors, not processes),
        // or when someone else already cleaned it
        try (StoreLock.Held lock = LockFile.tryLock(lockFile, false)) {
            if (lock == null) {
                return false;
            }
            Trees.deleteRecursively(dir);
            Files.deleteIfExists(lockFile);
            return true;
        }
    }
}
