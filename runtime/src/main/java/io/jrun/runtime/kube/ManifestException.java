package io.jrun.runtime.kube;

/**
 * A manifest jrun play cannot take: the message is one line that names the file, the line where
 * known, the field by its path, the problem and the fix.
 */
public final class ManifestException extends Exception {
    private static final long serialVersionUID = 1L;

    public ManifestException(String message) {
        super(message, null, false, false);
    }
}
