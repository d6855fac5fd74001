package io.jrun.images;

import io.jrun.images.fetch.FetchListener;
import io.jrun.images.fetch.ImageFetcher;
import io.jrun.images.oci.Digest;
import io.jrun.images.oci.ImageConfig;
import io.jrun.images.oci.OciJson;
import io.jrun.images.registry.RegistryClient;
import io.jrun.images.source.ImageLocation;
import io.jrun.images.source.ImageSource;
import io.jrun.images.source.OciLayoutSource;
import io.jrun.images.source.RegistrySource;
import io.jrun.images.store.GarbageCollector;
import io.jrun.images.store.ImageRecord;
import io.jrun.images.store.ImageStore;
import io.jrun.images.store.ImageUsage;
import io.jrun.images.store.StoreLock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The image engine's facade: fetch, list, inspect, remove and collect images in the store
 * under one state directory. Safe to share between threads and between jrun processes.
 */
public final class Images {
    private final ImageStore store;
    private final ImageUsage usage;

    private Images(ImageStore store, ImageUsage usage) {
        this.store = store;
        this.usage = usage;
    }

    public static Images open(Path stateDir, ImageUsage usage) throws IOException {
        return new Images(ImageStore.open(stateDir), usage);
    }

    public ImageStore store() {
        return store;
    }

    /** Fetches {@code location} (a registry reference, oci:PATH[:TAG] or oci-archive:FILE[:TAG]). */
    public ImageRecord fetch(String location, FetchOptions options, FetchListener listener) throws IOException {
        ImageLocation parsed = ImageLocation.parse(location);
        try (ImageSource source = openSource(parsed, options)) {
            return new ImageFetcher(store, listener).fetch(source, parsed.storeName(), options.platform());
        }
    }

    private static ImageSource openSource(ImageLocation location, FetchOptions options) throws IOException {
        return switch (location) {
            case ImageLocation.Registry r -> new RegistrySource(new RegistryClient(options.registry()), r.reference());
            case ImageLocation.OciLayout l -> OciLayoutSource.directory(l.directory(), l.tag());
            case ImageLocation.OciArchive a -> OciLayoutSource.archive(a.file(), a.tag());
        };
    }

    public List<ImageRecord> list() throws IOException {
        return store.images();
    }

    /**
     * Finds an image by name (as typed: {@code busybox} means docker.io/library/busybox:latest),
     * by ID or manifest digest, or by a unique ID prefix of at least 4 hex digits.
     */
    public Optional<ImageRecord> find(String nameOrId) throws IOException {
        List<ImageRecord> matches = matching(nameOrId);
        Set<Digest> ids = new LinkedHashSet<>();
        matches.forEach(r -> ids.add(r.id()));
        if (ids.size() > 1) {
            throw new IllegalArgumentException("'" + nameOrId + "' matches " + ids.size()
                    + " images: give more of the ID or the full name");
        }
        return matches.stream().findFirst();
    }

    private List<ImageRecord> matching(String nameOrId) throws IOException {
        List<ImageRecord> all = store.images();
        List<ImageRecord> byName = all.stream().filter(r -> r.name().equals(canonicalName(nameOrId))).toList();
        if (!byName.isEmpty()) {
            return byName;
        }
        String hex = nameOrId.startsWith("sha256:") ? nameOrId.substring(7) : nameOrId;
        if (hex.length() >= 4 && hex.matches("[0-9a-f]+")) {
            return all.stream().filter(r -> r.id().hex().startsWith(hex)
                    || (hex.length() == 64 && r.manifestDigest().hex().equals(hex))).toList();
        }
        return List.of();
    }

    private static String canonicalName(String text) {
        try {
            return ImageLocation.parse(text).storeName();
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    public ImageDetails inspect(String nameOrId) throws IOException {
        ImageRecord record = find(nameOrId).orElseThrow(() -> notFound(nameOrId));
        try (StoreLock.Held held = store.shared()) {
            byte[] manifest = store.readBlob(record.manifestDigest());
            byte[] config = store.readBlob(record.configDigest());
            ImageConfig parsed = OciJson.parseConfig(config, "config " + record.configDigest());
            List<Path> roots = new ArrayList<>();
            for (Digest diffId : parsed.diffIds()) {
                roots.add(store.layerRoot(diffId).orElseThrow(() -> new IOException(
                        "layer " + diffId + " of " + record.name() + " is missing from the store: fetch it again")));
            }
            return new ImageDetails(record, manifest, config, parsed, roots);
        }
    }

    /** Removes every image, as {@link #remove} does; refused if a pod uses one, unless {@code force}. */
    public List<ImageRecord> removeAll(boolean force) throws IOException {
        return remove(store.images().stream().map(ImageRecord::name).toList(), force);
    }

    /**
     * Removes names (or, given an ID, every name of that image), then sweeps what no image
     * references any more unless another process is busy with the store (then image gc will).
     */
    public List<ImageRecord> remove(List<String> namesOrIds, boolean force) throws IOException {
        if (namesOrIds.isEmpty()) {
            return List.of();
        }
        List<ImageRecord> doomed = new ArrayList<>();
        for (String nameOrId : namesOrIds) {
            List<ImageRecord> matches = matching(nameOrId);
            if (matches.isEmpty()) {
                throw notFound(nameOrId);
            }
            if (matches.stream().map(ImageRecord::id).distinct().count() > 1) {
                throw new IllegalArgumentException("'" + nameOrId + "' matches several images: give more of the ID or the full name");
            }
            doomed.addAll(matches);
        }
        if (!force) {
            // removing one name of an image that keeps another is an untag: the pod keeps its content
            Set<Digest> inUse = usage.imagesInUse();
            List<ImageRecord> all = store.images();
            for (ImageRecord r : doomed) {
                boolean keepsAName = all.stream().anyMatch(other -> other.id().equals(r.id())
                        && doomed.stream().noneMatch(d -> d.name().equals(other.name())));
                if (inUse.contains(r.id()) && !keepsAName) {
                    throw new IllegalStateException("image " + r.name() + " is in use by a pod: remove the pod first, or pass --force");
                }
            }
        }
        store.updateImages(images -> {
            images.removeIf(r -> doomed.stream().anyMatch(d -> d.name().equals(r.name())));
            return images;
        });
        new GarbageCollector(store, usage).collect(false);
        return doomed;
    }

    /**
     * Removes blobs and layers that no named image and no pod references, and abandoned work
     * areas. Waits for fetches in other processes to finish first.
     */
    public GarbageCollector.Result gc() throws IOException {
        return new GarbageCollector(store, usage).collect(true);
    }

    private static IllegalArgumentException notFound(String nameOrId) {
        String hex = nameOrId.startsWith("sha256:") ? nameOrId.substring(7) : nameOrId;
        if (hex.length() < 4 && hex.matches("[0-9a-f]+")) {
            return new IllegalArgumentException("no image named '" + nameOrId + "', and an ID prefix is too short: give at"
                    + " least 4 hex digits of the ID (see jrun image list)");
        }
        return new IllegalArgumentException("no image '" + nameOrId + "' in the store: see jrun image list, or jrun fetch it");
    }
}
