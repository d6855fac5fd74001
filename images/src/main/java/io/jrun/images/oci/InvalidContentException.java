package io.jrun.images.oci;

import java.io.IOException;

/** A manifest, index or config that is not what the OCI image spec says it must be. */
public final class InvalidContentException extends IOException {
    public InvalidContentException(String message) {
        super(message);
    }
}
