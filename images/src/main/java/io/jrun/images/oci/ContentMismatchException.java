package io.jrun.images.oci;

import java.io.IOException;

/** Content did not match the digest or size that its descriptor promised. */
public final class ContentMismatchException extends IOException {
    public ContentMismatchException(String message) {
        super(message);
    }
}
