package io.jrun.runtime.kube;

/**
 * A problem at one field, found by {@link PodReader} or {@link PodValidator}; {@link KubeManifests}
 * turns it into a {@link ManifestException} that names the file and the field's line.
 */
final class FieldException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient FieldPath path;

    /** {@code message} is the whole sentence, starting with the field's path. */
    FieldException(FieldPath path, String message) {
        super(message, null, false, false);
        this.path = path;
    }

    FieldPath path() {
        return path;
    }
}
