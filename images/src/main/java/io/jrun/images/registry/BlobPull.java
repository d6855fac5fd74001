package io.jrun.images.registry;

import io.jrun.images.oci.Descriptor;
import io.jrun.images.reference.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * {@code GET /v2/NAME/blobs/DIGEST}: a {@link BlobStream} that resumes with Range requests and
 * verifies size and digest, or the whole (small) blob in memory.
 */
final class BlobPull {
    /** Blobs read into memory are configs and the like; anything bigger must be streamed. */
    static final long MAX_IN_MEMORY = 64L << 20;

    private BlobPull() {
    }

    static InputStream open(RegistryRequest request, RegistryEndpoint endpoint, ImageReference ref, Descriptor d,
                            StallGuard guard) throws IOException {
        String what = "blob";
        var uri = endpoint.blobUri(d.digest().toString());
        String notFound = "blob " + d.digest() + " of " + ref.name() + " not found in registry " + endpoint.host()
                + ": the image's manifest refers to content the registry does not have; re-push the image";
        BlobStream.Opener opener = offset -> request.get(endpoint, ref, uri,
                offset == 0 ? Map.of() : Map.of("Range", "bytes=" + offset + "-"),
                "blob " + d.digest() + " of " + ref.name(), notFound);
        return BlobStream.open(opener, d, what, request.transport().retryPolicy(), request.transport().sleeper(), guard);
    }

    static byte[] read(RegistryRequest request, RegistryEndpoint endpoint, ImageReference ref, Descriptor d,
                       StallGuard guard) throws IOException {
        if (d.size() > MAX_IN_MEMORY) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, "blob " + d.digest() + " of " + ref.name()
                    + " claims " + d.size() + " bytes, too large for a config: the manifest is corrupt or hostile");
        }
        try (InputStream in = open(request, endpoint, ref, d, guard)) {
            return in.readAllBytes(); // BlobStream verifies size and digest before EOF
        }
    }
}
