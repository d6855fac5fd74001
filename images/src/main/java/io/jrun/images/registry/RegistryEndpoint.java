package io.jrun.images.registry;

import io.jrun.images.reference.ImageReference;

import java.net.URI;

/**
 * Where a repository's distribution API lives: {@code https://HOST/v2/NAME/…}, or {@code http://}
 * when the registry is listed as insecure.
 *
 * <p>Loopback registries (127.0.0.1, localhost, ::1) are <em>not</em> insecure by default, unlike
 * docker's daemon: jrun runs as root from systemd units, where silently trusting plain HTTP on
 * a port any local user could bind would let them serve images to root. A plain-HTTP test
 * registry needs {@code --insecure-registry 127.0.0.1:5000}, and the error when HTTPS fails
 * says so.
 */
public record RegistryEndpoint(String host, String repository, boolean plainHttp) {

    public static RegistryEndpoint of(ImageReference ref, RegistryOptions options) {
        boolean insecure = options.isInsecure(ref.registry()) || options.isInsecure(ref.apiHost());
        return new RegistryEndpoint(ref.apiHost(), ref.repository(), insecure);
    }

    public String scheme() {
        return plainHttp ? "http" : "https";
    }

    /** {@code /v2/NAME/manifests/REFERENCE} */
    public URI manifestUri(String reference) {
        return URI.create(scheme() + "://" + host + "/v2/" + repository + "/manifests/" + reference);
    }

    /** {@code /v2/NAME/blobs/DIGEST} */
    public URI blobUri(String digest) {
        return URI.create(scheme() + "://" + host + "/v2/" + repository + "/blobs/" + digest);
    }

    /** The pull scope the token service is asked for when the challenge names none. */
    public String pullScope() {
        return "repository:" + repository + ":pull";
    }

    /** {@code host} from {@code host[:port]}, including bracketed IPv6 literals. */
    static String hostWithoutPort(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 ? hostPort : hostPort.substring(0, close + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }
}
