package io.jrun.images.oci;

import java.util.Map;

/**
 * An OCI content descriptor: what a manifest or index says about a blob it points to.
 * {@code platform} is set only for the entries of an image index.
 */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform,
                         Map<String, String> annotations) {

    public Descriptor {
        if (size < 0) {
            throw new IllegalArgumentException("descriptor " + digest + " has a negative size " + size);
        }
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, null, Map.of());
    }
}
