package io.jrun.images.reference;

/** An image reference that does not follow the docker/OCI grammar; the message says why. */
public final class InvalidReferenceException extends IllegalArgumentException {
    public InvalidReferenceException(String reference, String problem) {
        super("invalid image reference \"" + reference + "\": " + problem);
    }
}
