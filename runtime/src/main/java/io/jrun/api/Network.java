package io.jrun.api;

/**
 * A container's network.
 *
 * <pre>{@code
 * jrun.container("busybox").network(Network.HOST).command("wget", "-qO-", "http://127.0.0.1:8080/");
 * }</pre>
 */
public enum Network {
    /** Its own network namespace with only loopback, up (the default). */
    NONE,
    /** The host's network namespace: it sees and binds the host's interfaces. */
    HOST;

    io.jrun.runtime.prepare.Network engine() {
        return this == HOST ? io.jrun.runtime.prepare.Network.HOST : io.jrun.runtime.prepare.Network.NONE;
    }
}
