package io.jrun.images.fetch;

import io.jrun.images.oci.Descriptor;

import java.util.List;

/**
 * Progress of one fetch. Layer callbacks arrive from the worker threads, concurrently, so
 * implementations must be thread-safe.
 */
public interface FetchListener {
    FetchListener SILENT = new FetchListener() {
    };

    /** The manifest is known: these layers will be fetched or found in the store. */
    default void resolved(String name, List<Descriptor> layers) {
    }

    default void layerStarted(Descriptor layer) {
    }

    /** {@code bytes} of the compressed blob have arrived so far. */
    default void layerProgress(Descriptor layer, long bytes) {
    }

    /** The layer is in the store; {@code alreadyPresent} when nothing had to be fetched. */
    default void layerDone(Descriptor layer, boolean alreadyPresent) {
    }
}
