package io.jrun.images.registry;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * The redirect rules, followed by hand because the JDK's own redirect handling would carry the
 * registry's Authorization header to blob storage. Registries redirect blob downloads to a CDN
 * or S3 with a signed URL: the token must not go there (and S3 rejects requests that carry a
 * second credential). A redirect from HTTPS to plain HTTP is never followed.
 */
final class Redirects {
    /** More than this many hops is a loop or a misconfiguration. */
    static final int MAX_HOPS = 5;

    private Redirects() {
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Resolves {@code location} against {@code from}; refuses HTTPS → HTTP and odd schemes. */
    static URI next(URI from, String location, String registry) throws RegistryException {
        if (location == null || location.isBlank()) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, "registry " + registry
                    + " sent a redirect without a Location header: report it to the registry's operator");
        }
        URI target;
        try {
            target = from.resolve(location.strip());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, "registry " + registry
                    + " redirected to an invalid URL \"" + location + "\": report it to the registry's operator");
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, "registry " + registry
                    + " redirected to an unsupported URL \"" + location + "\": report it to the registry's operator");
        }
        if (from.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
            throw new RegistryException(RegistryException.Kind.INSECURE, "registry " + registry
                    + " redirected from HTTPS to plain HTTP (" + target.getHost() + "), which jrun refuses: fix the registry's storage URL");
        }
        return target;
    }

    /** Whether credentials for {@code from} may be sent to {@code to}: same scheme, host and port. */
    static boolean sameOrigin(URI from, URI to) {
        return from.getScheme().equalsIgnoreCase(to.getScheme())
                && Objects.equals(lower(from.getHost()), lower(to.getHost()))
                && effectivePort(from) == effectivePort(to);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }
}
