package io.jrun.images.store;

import io.jrun.images.oci.Digest;
import io.jrun.images.oci.ImageIndex;
import io.jrun.images.oci.ImageManifest;
import io.jrun.images.oci.MediaTypes;
import io.jrun.images.oci.OciJson;
import io.jrun.linux.Uuids;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Mark and sweep over the store: marks every blob and layer reachable from a name, then
 * removes the rest. Runs under the exclusive store lock, so no fetch is half-way through.
 * A layer is first renamed into tmp/ and then deleted, so it never shows half-removed.
 */
public final class GarbageCollector {
    private final ImageStore store;
    private final ImageUsage usage;

    public GarbageCollector(ImageStore store, ImageUsage usage) {
        this.store = store;
        this.usage = usage;
    }

    /** What one sweep removed. */
    public record Result(int blobs, int layers, long bytes, int workAreas) {
    }

    /**
     * Sweeps unreferenced content. With {@code wait} false it returns null instead of
     * blocking when another process holds the store.
     */
    public Result collect(boolean wait) throws IOException {
        try (StoreLock.Held held = store.exclusive(wait)) {
            if (held == null) {
                return null;
            }
            int workAreas = removeWorkAreas();
            Set<String> liveBlobs = new HashSet<>();
            Set<String> liveLayers = new HashSet<>();
            for (ImageRecord image : store.images()) {
                mark(image, liveBlobs, liveLayers);
            }
            // A pod keeps its image's config and layers even after the name was removed.
            for (Digest inUse : usage.imagesInUse()) {
                if (store.hasBlob(inUse)) {
                    liveBlobs.add(inUse.toString());
                    OciJson.parseConfig(store.readBlob(inUse), "config " + inUse).diffIds()
                            .forEach(d -> liveLayers.add(d.hex()));
                }
            }
            int blobs = 0;
            int layers = 0;
            long bytes = 0;
            // blobs/ALGORITHM/HEX: configs may be sha512 (putBlob files them by their digest's algorithm)
            try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(store.root().resolve("blobs"), Files::isDirectory)) {
                for (Path blobDir : algorithms) {
                    String algorithm = blobDir.getFileName().toString();
                    try (DirectoryStream<Path> entries = Files.newDirectoryStream(blobDir)) {
                        for (Path blob : entries) {
                            if (!liveBlobs.contains(algorithm + ":" + blob.getFileName())) {
                                bytes += Files.size(blob);
                                Files.delete(blob);
                                blobs++;
                            }
                        }
                    }
                }
            }
            Path layerDir = store.root().resolve("layers/sha256");
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(layerDir)) {
                for (Path layer : entries) {
                    String hex = layer.getFileName().toString();
                    if (!liveLayers.contains(hex)) {
                        bytes += store.layer(new Digest("sha256", hex)).map(LayerRecord::unpackedBytes).orElse(0L);
                        Path doomed = store.root().resolve("tmp").resolve("gc-" + Uuids.random());
                        Files.move(layer, doomed, StandardCopyOption.ATOMIC_MOVE);
                        Trees.deleteRecursively(doomed);
                        layers++;
                    }
                }
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(store.root().resolve("locks"))) {
                for (Path lock : entries) {
                    Files.deleteIfExists(lock); // nobody holds one: unpackers hold the store shared
                }
            }
            return new Result(blobs, layers, bytes, workAreas);
        }
    }

    /** Adds the digests ({@code ALGORITHM:HEX}) and diff IDs (hex) {@code image} keeps alive. */
    private void mark(ImageRecord image, Set<String> liveBlobs, Set<String> liveLayers) throws IOException {
        if (image.indexDigest() != null) {
            liveBlobs.add(image.indexDigest().toString());
            if (store.hasBlob(image.indexDigest())) {
                ImageIndex index = OciJson.parseIndex(store.readBlob(image.indexDigest()), MediaTypes.OCI_INDEX, "index");
                // Only the fetched platform's manifest is stored; others are not in the store to keep.
                index.manifests().forEach(d -> liveBlobs.add(d.digest().toString()));
            }
        }
        liveBlobs.add(image.manifestDigest().toString());
        liveBlobs.add(image.configDigest().toString());
        ImageManifest manifest = OciJson.parseManifest(store.readBlob(image.manifestDigest()),
                MediaTypes.OCI_MANIFEST, "manifest " + image.manifestDigest());
        List<Digest> diffIds = OciJson.parseConfig(store.readBlob(image.configDigest()), "config").diffIds();
        diffIds.forEach(d -> liveLayers.add(d.hex()));
        manifest.layers().forEach(d -> liveBlobs.add(d.digest().toString()));
    }

    private int removeWorkAreas() throws IOException {
        // Under the exclusive lock no fetch runs, so every work area is abandoned.
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(store.root().resolve("tmp"))) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().endsWith(".lock")) {
                    Trees.deleteRecursively(entry);
                    removed++;
                }
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(store.root().resolve("tmp"), "*.lock")) {
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
        }
        return removed;
    }
}
