package io.jrun.runtime.oci;

/** An OCI lifecycle operation that cannot be done: its message is the one line to show. */
public final class OciException extends Exception {
    public OciException(String message) {
        super(message);
    }

    public OciException(String message, Throwable cause) {
        super(message, cause);
    }
}
