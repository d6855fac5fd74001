package io.jrun.images.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.Digest;
import io.jrun.images.oci.JsonTrees;
import io.jrun.linux.FileSystems;
import io.jrun.linux.Uuids;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The content-addressed image store under {@code STATE/images}. See docs/layout.md.
 *
 * <pre>
 * images/
 *   store.lock                  shared: fetch, rm, run; exclusive: gc
 *   names.json, names.lock      name → image records, rewritten whole under names.lock
 *   blobs/sha256/HEX            manifests, indexes, configs (verified)
 *   layers/sha256/HEX/rootfs    a layer unpacked in overlayfs form, keyed by diff ID
 *   layers/sha256/HEX/layer.json
 *   locks/HEX.lock              held while one process unpacks that layer
 *   tmp/ID/, tmp/ID.lock        work areas; ID.lock is held while its owner lives
 * </pre>
 *
 * Nothing appears under a final name until it is complete and verified: content is written
 * in tmp/ and renamed into place, and a killed process leaves only a tmp/ area whose lock
 * nobody holds, which the next fetch or gc removes.
 */
public final class ImageStore {
    private final Path root;
    private final StoreLock storeLock;

    private ImageStore(Path root) {
        this.root = root;
        this.storeLock = new StoreLock(root.resolve("store.lock"));
    }

    /**
     * Opens (creating if needed) the store under {@code stateDir/images}, which only its owner
     * may enter ({@link PrivateDirectory}: mode 0700, tightened when found looser).
     */
    public static ImageStore open(Path stateDir) throws IOException {
        Path root = PrivateDirectory.ensure(stateDir.resolve("images"));
        for (String dir : List.of("blobs/sha256", "layers/sha256", "locks", "tmp")) {
            Files.createDirectories(root.resolve(dir));
        }
        return new ImageStore(root);
    }

    public Path root() {
        return root;
    }

    /** Holds the store lock shared: gc waits until this is closed. */
    public StoreLock.Held shared() throws IOException {
        return storeLock.shared();
    }

    StoreLock.Held exclusive(boolean wait) throws IOException {
        return storeLock.exclusive(wait);
    }

    // ---------------------------------------------------------------- layers

    public Path layerDir(Digest diffId) {
        return root.resolve("layers").resolve(diffId.algorithm()).resolve(diffId.hex());
    }

    /** The rootfs of an unpacked layer, if the store has it. */
    public Optional<Path> layerRoot(Digest diffId) {
        Path dir = layerDir(diffId);
        return Files.isRegularFile(dir.resolve("layer.json")) ? Optional.of(dir.resolve("rootfs")) : Optional.empty();
    }

    public Optional<LayerRecord> layer(Digest diffId) throws IOException {
        Path json = layerDir(diffId).resolve("layer.json");
        try {
            return Optional.of(LayerRecord.fromJson(JsonTrees.read(Files.readAllBytes(json))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Locks one layer against other unpackers of the same content, in this process and in
     * others. The caller checks {@link #layerRoot} again once it holds the lock.
     */
    public StoreLock.Held lockLayer(Digest diffId) throws IOException {
        return LockFile.lock(root.resolve("locks").resolve(diffId.hex() + ".lock"), false);
    }

    /**
     * Moves a complete, verified layer from a work area into place. {@code unpacked} holds
     * rootfs/ and layer.json is written beside it first, so the final name never shows a
     * layer without its record.
     */
    public void commitLayer(Path unpacked, LayerRecord record) throws IOException {
        writeDurably(unpacked.resolve("layer.json"), JsonTrees.write(record.toJson(), false));
        Path target = layerDir(record.diffId());
        try {
            Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            // Another process won; its copy is equal by digest.
            Trees.deleteRecursively(unpacked);
        }
    }

    // ---------------------------------------------------------------- blobs

    public Path blobPath(Digest digest) {
        return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    public boolean hasBlob(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    /** Stores verified content under its digest: temp file, fsync, atomic rename. */
    public void putBlob(Digest digest, byte[] content) throws IOException {
        String actual = java.util.HexFormat.of().formatHex(digest.newMessageDigest().digest(content));
        if (!actual.equals(digest.hex())) {
            throw new IllegalArgumentException("blob content does not match " + digest);
        }
        Path target = blobPath(digest);
        if (Files.exists(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path temp = root.resolve("tmp").resolve("blob-" + Uuids.random());
        try {
            writeDurably(temp, content);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    public byte[] readBlob(Digest digest) throws IOException {
        try {
            return Files.readAllBytes(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(blobPath(digest).toString(), null,
                    "the store lacks blob " + digest + ": fetch the image again");
        }
    }

    // ---------------------------------------------------------------- names

    public List<ImageRecord> images() throws IOException {
        Path file = root.resolve("names.json");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<ImageRecord> records = new ArrayList<>();
        for (JsonNode node : JsonTrees.read(bytes).path("images")) {
            records.add(ImageRecord.fromJson(node));
        }
        return records;
    }

    /**
     * Rewrites the name table under names.lock: reads it, applies {@code change} and writes
     * the result durably by rename, so readers see the old or the new table, never half.
     */
    public List<ImageRecord> updateImages(UnaryOperator<List<ImageRecord>> change) throws IOException {
        try (StoreLock.Held names = LockFile.lock(root.resolve("names.lock"), false)) {
            List<ImageRecord> updated = change.apply(new ArrayList<>(images()));
            ObjectNode doc = JsonTrees.object();
            ArrayNode array = doc.putArray("images");
            updated.forEach(r -> array.add(r.toJson()));
            Path temp = root.resolve("tmp").resolve("names-" + Uuids.random());
            try {
                writeDurably(temp, JsonTrees.write(doc, true));
                Files.move(temp, root.resolve("names.json"), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            return updated;
        }
    }

    // ---------------------------------------------------------------- work areas

    /** A fresh work area under tmp/, owned by this process for as long as it is open. */
    public WorkArea newWorkArea() throws IOException {
        // Layers are unpacked in work areas: have each start in a block group of its own (ext4),
        // away from the inodes of a tree deleted minutes ago. See FileSystems.spreadSubdirectories.
        FileSystems.spreadSubdirectories(root.resolve("tmp"));
        return WorkArea.create(root.resolve("tmp"));
    }

    /**
     * Removes work areas whose owner died (their lock is free). Safe while other processes
     * work: a live owner holds its lock, and tryLock fails on it.
     */
    public int removeAbandonedWorkAreas() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve("tmp"), "*.lock")) {
            for (Path lockFile : entries) {
                if (WorkArea.removeIfAbandoned(lockFile)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    // ---------------------------------------------------------------- helpers

    static void writeDurably(Path file, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }
}
