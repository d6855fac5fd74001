package io.jrun.images.registry;

import java.io.IOException;

/** A registry operation failed; the one-line message names the problem and the fix. */
public class RegistryException extends IOException {

    /** What went wrong, for callers that react differently (exit codes, retries, fall-backs). */
    public enum Kind {
        /** The repository, manifest or blob does not exist. */
        NOT_FOUND,
        /** The registry wants credentials, or refused the ones given. */
        UNAUTHORIZED,
        /** The credentials are valid but may not pull this repository. */
        DENIED,
        /** HTTPS failed (plain-HTTP server, untrusted certificate) or a downgrade to HTTP was refused. */
        INSECURE,
        /** The content uses a format jrun does not support (Docker schema 1). */
        UNSUPPORTED,
        /** The registry could not be reached or the connection failed. */
        NETWORK,
        /** The registry kept failing (5xx, 429) or answered with an unexpected status. */
        SERVER,
        /** The registry answered something that breaks the distribution protocol. */
        PROTOCOL,
        /** An auth file could not be used. */
        CREDENTIALS
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
