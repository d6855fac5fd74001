package io.jrun.images.fetch;

import io.jrun.images.layer.Compression;
import io.jrun.images.layer.LayerUnpacker;
import io.jrun.images.layer.UnpackStats;
import io.jrun.images.oci.Descriptor;
import io.jrun.images.oci.Digest;
import io.jrun.images.oci.ImageConfig;
import io.jrun.images.oci.ImageIndex;
import io.jrun.images.oci.ImageManifest;
import io.jrun.images.oci.InvalidContentException;
import io.jrun.images.oci.MediaTypes;
import io.jrun.images.oci.OciJson;
import io.jrun.images.oci.Platform;
import io.jrun.images.oci.VerifyingInputStream;
import io.jrun.images.source.ImageSource;
import io.jrun.images.source.RawManifest;
import io.jrun.images.store.ImageRecord;
import io.jrun.images.store.ImageStore;
import io.jrun.images.store.LayerRecord;
import io.jrun.images.store.StoreLock;
import io.jrun.images.store.WorkArea;
import io.jrun.linux.FileSystems;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches one image from a source into the store: resolves the manifest (choosing the
 * platform from an index), verifies the config, then streams every missing layer through
 * decompression and the unpacker in parallel, with no second pass over any blob. The
 * compressed digest and the diff ID are both checked before a layer gets its final name.
 */
public final class ImageFetcher {
    private final ImageStore store;
    private final FetchListener listener;

    public ImageFetcher(ImageStore store, FetchListener listener) {
        this.store = store;
        this.listener = listener;
    }

    /** The image a fetch resolved, before its layers arrive. */
    private record Resolved(RawManifest index, RawManifest manifest, ImageManifest parsed,
                            byte[] configBytes, ImageConfig config) {
    }

    public ImageRecord fetch(ImageSource source, String name, Platform wanted) throws IOException {
        try (StoreLock.Held held = store.shared()) {
            store.removeAbandonedWorkAreas();
            Resolved image = resolve(source, name, wanted);
            List<Descriptor> layers = image.parsed().layers();
            listener.resolved(name, layers);
            long size = fetchLayers(source, layers, image.config().diffIds());
            if (image.index() != null) {
                store.putBlob(image.index().digest(), image.index().body());
            }
            store.putBlob(image.manifest().digest(), image.manifest().body());
            store.putBlob(image.parsed().config().digest(), image.configBytes());
            ImageRecord record = new ImageRecord(name, image.manifest().digest(),
                    image.index() == null ? null : image.index().digest(), image.parsed().config().digest(),
                    image.config().platform().toString(), size, Instant.now());
            store.updateImages(images -> {
                images.removeIf(r -> r.name().equals(name));
                images.add(record);
                return images;
            });
            return record;
        }
    }

    private Resolved resolve(ImageSource source, String name, Platform wanted) throws IOException {
        RawManifest top = source.topManifest();
        RawManifest index = null;
        RawManifest manifest = top;
        if (MediaTypes.isIndex(top.mediaType())) {
            index = top;
            ImageIndex parsed = OciJson.parseIndex(top.body(), top.mediaType(), name + " index");
            Descriptor chosen = parsed.select(wanted).orElseThrow(() -> new InvalidContentException(
                    name + " has no image for " + wanted + " (it has " + String.join(", ", parsed.platforms())
                            + "): pass --platform to choose one"));
            manifest = source.manifest(chosen);
        }
        if (MediaTypes.isSchema1(manifest.mediaType())) {
            throw new InvalidContentException(name + " uses the deprecated Docker schema 1 manifest format, "
                    + "which jrun does not support: re-push it with a current tool");
        }
        if (!MediaTypes.isManifest(manifest.mediaType())) {
            throw new InvalidContentException(name + " resolved to unsupported media type '" + manifest.mediaType()
                    + "': jrun fetches OCI and Docker schema 2 images");
        }
        ImageManifest parsed = OciJson.parseManifest(manifest.body(), manifest.mediaType(), name + " manifest");
        String configType = parsed.config().mediaType();
        if (!configType.equals(MediaTypes.OCI_CONFIG) && !configType.equals(MediaTypes.DOCKER_CONFIG)) {
            throw new InvalidContentException(name + " is not a container image (its config is " + configType + ")");
        }
        byte[] configBytes = source.blob(parsed.config());
        ImageConfig config = OciJson.parseConfig(configBytes, name + " config");
        if (!wanted.accepts(config.platform())) {
            throw new InvalidContentException(name + " is for " + config.platform() + ", not " + wanted
                    + ": pass --platform " + config.platform() + " to fetch it anyway");
        }
        if (config.diffIds().size() != parsed.layers().size()) {
            throw new InvalidContentException(name + ": the manifest lists " + parsed.layers().size()
                    + " layers but the config has " + config.diffIds().size() + " diff_ids");
        }
        for (Descriptor layer : parsed.layers()) {
            Compression.forMediaType(layer.mediaType()); // refuse unknown layer types before any download
        }
        return new Resolved(index, manifest, parsed, configBytes, config);
    }

    /** Fetches the missing layers; returns the unpacked size of all of them. */
    private long fetchLayers(ImageSource source, List<Descriptor> layers, List<Digest> diffIds) throws IOException {
        Map<Digest, Descriptor> unique = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            unique.putIfAbsent(diffIds.get(i), layers.get(i));
        }
        AtomicBoolean cancelled = new AtomicBoolean();
        // The failure that cancelled the others: the followers fail only because of it.
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        int threads = Math.max(1, Math.min(source.maxParallelBlobs(), unique.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "jrun-fetch");
            t.setDaemon(true);
            return t;
        });
        try (WorkArea area = store.newWorkArea()) {
            List<Future<LayerRecord>> results = new ArrayList<>();
            for (Map.Entry<Digest, Descriptor> e : unique.entrySet()) {
                results.add(pool.submit(() -> {
                    try {
                        return fetchLayer(source, e.getValue(), e.getKey(), area, cancelled);
                    } catch (IOException | RuntimeException failure) {
                        if (!cancelled.getAndSet(true)) {
                            firstFailure.set(failure);
                        }
                        throw failure;
                    }
                }));
            }
            long size = 0;
            for (Future<LayerRecord> result : results) {
                try {
                    size += result.get().unpackedBytes();
                } catch (ExecutionException e) {
                    // reported below, once every worker has stopped
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled.set(true);
                    throw new java.io.InterruptedIOException("fetch interrupted");
                }
            }
            if (firstFailure.get() != null) {
                throw asIOException(firstFailure.get());
            }
            return size;
        } finally {
            pool.shutdownNow();
        }
    }

    private LayerRecord fetchLayer(ImageSource source, Descriptor blob, Digest diffId, WorkArea area,
                                   AtomicBoolean cancelled) throws IOException {
        try (StoreLock.Held layerLock = store.lockLayer(diffId)) {
            var existing = store.layer(diffId);
            if (existing.isPresent()) {
                listener.layerDone(blob, true);
                return existing.get();
            }
            listener.layerStarted(blob);
            Path unpacked = area.newDirectory(diffId.hex());
            Path rootfs = Files.createDirectory(unpacked.resolve("rootfs"));
            UnpackStats stats;
            // Stage one (its own thread): download, check the compressed digest, decompress,
            // check the diff ID. Stage two (this thread): parse the tar and create the files.
            // Every check happens before the stream's end, which the unpacker must reach.
            InputStream raw = source.openBlob(blob);
            ProgressInputStream compressed = new ProgressInputStream(raw, blob, listener, cancelled);
            InputStream tar = new VerifyingInputStream(
                    Compression.forMediaType(blob.mediaType()).decompress(compressed), diffId, -1,
                    "layer " + blob.digest().shortHex() + " uncompressed (diff ID)");
            try (InputStream pipe = new ReadAheadInputStream(new DrainingInputStream(tar, compressed),
                    "jrun-fetch-" + blob.digest().shortHex())) {
                stats = new LayerUnpacker().unpack(pipe, rootfs);
                pipe.transferTo(OutputStream.nullOutputStream()); // the rest, and every check
            }
            // One syncfs per layer instead of an fsync per file: the layer must be on disk
            // before its final name is, or a power cut could leave a complete-looking husk.
            FileSystems.syncfs(unpacked);
            LayerRecord record = new LayerRecord(diffId, blob.digest(), blob.mediaType(), blob.size(),
                    stats.entries(), stats.regularFileBytes());
            store.commitLayer(unpacked, record);
            listener.layerDone(blob, false);
            return record;
        }
    }

    private static IOException asIOException(Throwable t) {
        if (t instanceof IOException io) {
            return io;
        }
        if (t instanceof UncheckedIOException u) {
            return u.getCause();
        }
        if (t instanceof RuntimeException r && r.getMessage() != null) {
            return new IOException(r.getMessage(), r);
        }
        return new IOException(String.valueOf(t), t);
    }
}
