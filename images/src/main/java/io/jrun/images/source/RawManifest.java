package io.jrun.images.source;

import io.jrun.images.oci.Digest;

/** A manifest or index as fetched, with the digest of its exact bytes. */
public record RawManifest(byte[] body, String mediaType, Digest digest) {
}
