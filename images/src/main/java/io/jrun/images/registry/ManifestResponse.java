package io.jrun.images.registry;

import io.jrun.images.oci.Digest;

/**
 * A manifest or index exactly as the registry sent it, with its media type and the digest of
 * {@code body} (already checked against the requested digest, if any).
 */
public record ManifestResponse(byte[] body, String mediaType, Digest digest) {
    public ManifestResponse {
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
