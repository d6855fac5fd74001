package io.jrun.runtime.net.cni;

import java.io.IOException;

/**
 * A CNI operation that failed: the message is one line naming the network, the plugin and the
 * plugin's own error (its CNI error JSON's {@code msg} and {@code details}).
 */
public final class CniException extends IOException {
    public CniException(String message) {
        super(message);
    }

    public CniException(String message, Throwable cause) {
        super(message, cause);
    }
}
