package io.jrun.images.store;

import io.jrun.images.oci.Digest;

import java.io.IOException;
import java.util.Set;

/**
 * Tells the image store which images are in use, so {@code image rm} and {@code image gc}
 * spare them. The runtime implements this over its pods; until pods exist nothing is in use.
 */
@FunctionalInterface
public interface ImageUsage {
    ImageUsage NONE = () -> Set.of();

    /** IDs (config digests) of images some pod still uses. */
    Set<Digest> imagesInUse() throws IOException;
}
