package io.jrun.images.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * A directory under the store's tmp/ where one process builds content before renaming it
 * into place. Its sibling ID.lock stays locked while the owner lives, so a crash (even
 * SIGKILL) leaves an area anyone can recognise as abandoned and remove.
 */
public final class WorkArea implements AutoCloseable {
    private final Path dir;
    private final Path lockFile;
    private final FileChannel lockChannel;

    private WorkArea(Path dir, Path lockFile, FileChannel lockChannel) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lockChannel = lockChannel;
    }

    static WorkArea create(Path tmp) throws IOException {
        String id = UUID.randomUUID().toString();
        Path lockFile = tmp.resolve(id + ".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            channel.lock();
            Path dir = Files.createDirectory(tmp.resolve(id));
            return new WorkArea(dir, lockFile, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
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
            lockChannel.close();
        }
    }

    static boolean removeIfAbandoned(Path lockFile) throws IOException {
        String name = lockFile.getFileName().toString();
        Path dir = lockFile.resolveSibling(name.substring(0, name.length() - ".lock".length()));
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return false; // this very process owns it
            }
            if (lock == null) {
                return false;
            }
            Trees.deleteRecursively(dir);
            Files.deleteIfExists(lockFile);
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false; // someone else cleaned it
        }
    }
}
