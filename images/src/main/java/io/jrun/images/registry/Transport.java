package io.jrun.images.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLException;

/**
 * Sends one GET to a registry: follows redirects by hand ({@link Redirects}) and repeats the
 * request on transient failures ({@link RetryPolicy}). Returns the final response with its body
 * unread; 4xx and exhausted 5xx responses are returned too, for the caller to explain.
 * Thread-safe: it only holds the shared HttpClient and immutable settings.
 */
final class Transport {
    static final String USER_AGENT = "jrun/0.1";
    /** Until the response headers arrive; body reads are bounded by the blob stream's resumes. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    /** For the plain-HTTP probe after a failed TLS handshake. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    /** Waits between attempts; a test may replace it. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final HttpClients http;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final RandomGenerator random = RandomGenerator.getDefault();

    Transport(HttpClients http, RetryPolicy retry, Sleeper sleeper) {
        this.http = http;
        this.retry = retry;
        this.sleeper = sleeper;
    }

    RetryPolicy retryPolicy() {
        return retry;
    }

    Sleeper sleeper() {
        return sleeper;
    }

    /**
     * GETs {@code uri} with {@code headers}; {@code authorization} (nullable) is sent only to the
     * origin of {@code uri}. {@code registry} names the registry in errors.
     */
    HttpResponse<InputStream> get(URI uri, Map<String, String> headers, String authorization, String registry)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> response;
            try {
                response = followRedirects(uri, headers, authorization, registry);
            } catch (RegistryException e) {
                throw e;
            } catch (IOException e) {
                if (uri.getScheme().equals("https") && (find(e, SSLException.class) != null
                        || e instanceof HttpConnectTimeoutException) && speaksPlainHttp(uri)) {
                    throw plainHttpServer(uri.getAuthority(), e);
                }
                RegistryException explained = explainFailure(e, uri, registry);
                if (explained.kind() != RegistryException.Kind.NETWORK || !isTransient(e) || !retry.canRetry(attempt)) {
                    throw explained;
                }
                pause(retry.delay(attempt, -1, random));
                continue;
            }
            int status = response.statusCode();
            if (RetryPolicy.isRetryableStatus(status) && retry.canRetry(attempt)) {
                long retryAfter = RetryPolicy.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null));
                discard(response);
                pause(retry.delay(attempt, retryAfter, random));
                continue;
            }
            return response;
        }
    }

    private HttpResponse<InputStream> followRedirects(URI uri, Map<String, String> headers, String authorization,
                                                      String registry) throws IOException {
        URI current = uri;
        String auth = authorization;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).GET()
                    .timeout(RESPONSE_TIMEOUT)
                    .header("User-Agent", USER_AGENT);
            headers.forEach(request::header);
            if (auth != null) {
                request.header("Authorization", auth);
            }
            HttpResponse<InputStream> response = send(request.build());
            if (!Redirects.isRedirect(response.statusCode())) {
                return response;
            }
            String location = response.headers().firstValue("Location").orElse(null);
            discard(response);
            if (hop + 1 > Redirects.MAX_HOPS) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, "registry " + registry + " redirected more than "
                        + Redirects.MAX_HOPS + " times for " + uri.getPath() + ": report the redirect loop to the registry's operator");
            }
            URI next = Redirects.next(current, location, registry);
            if (!Redirects.sameOrigin(current, next)) {
                auth = null; // never hand the registry's token to blob storage
            }
            current = next;
        }
    }

    private HttpResponse<InputStream> send(HttpRequest request) throws IOException {
        try {
            return http.forUri(request.uri()).send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while talking to " + request.uri().getAuthority());
        }
    }

    private void pause(Duration d) throws InterruptedIOException {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

    /** Reads away a small body so the connection can be reused, then closes it. */
    static void discard(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] scratch = new byte[8192];
            int total = 0;
            int n;
            while (total < 65536 && (n = in.read(scratch)) >= 0) {
                total += n;
            }
        } catch (IOException ignored) {
            // the connection is dropped instead of reused
        }
    }

    private static boolean isTransient(IOException e) {
        if (find(e, UnknownHostException.class) != null || find(e, UnresolvedAddressException.class) != null) {
            return false; // a name that does not resolve will not resolve in 200 ms either
        }
        return !(e instanceof InterruptedIOException) || e instanceof java.net.http.HttpTimeoutException;
    }

    /** Turns a low-level failure into a one-line RegistryException. */
    static RegistryException explainFailure(IOException e, URI uri, String registry) {
        if (e instanceof RegistryException re) {
            return re;
        }
        String target = uri.getAuthority();
        SSLException ssl = find(e, SSLException.class);
        if (ssl != null) {
            String msg = String.valueOf(ssl.getMessage());
            if (msg.contains("plaintext") || msg.contains("Unsupported or unrecognized SSL message")
                    || msg.contains("not an SSL/TLS record")) {
                return plainHttpServer(target, e);
            }
            return new RegistryException(RegistryException.Kind.INSECURE, "TLS with registry " + target + " failed ("
                    + msg + "): if its certificate comes from a private CA, add the CA to the JDK trust store; "
                    + "if it is a plain-HTTP registry you trust, pass --insecure-registry " + target, e);
        }
        if (e instanceof InterruptedIOException && !(e instanceof java.net.http.HttpTimeoutException)) {
            return new RegistryException(RegistryException.Kind.NETWORK, "interrupted while talking to registry " + registry, e);
        }
        if (e instanceof HttpConnectTimeoutException) {
            return new RegistryException(RegistryException.Kind.NETWORK, "timed out connecting to " + target
                    + " for registry " + registry + ": check the address and your network or proxy", e);
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return new RegistryException(RegistryException.Kind.NETWORK, "registry " + registry + " (" + target
                    + ") did not answer within " + RESPONSE_TIMEOUT.toSeconds() + " s: retry later", e);
        }
        if (find(e, UnknownHostException.class) != null || find(e, UnresolvedAddressException.class) != null) {
            return new RegistryException(RegistryException.Kind.NETWORK, "cannot resolve host " + uri.getHost()
                    + " of registry " + registry + ": check the image name and your DNS", e);
        }
        if (find(e, ConnectException.class) != null) {
            return new RegistryException(RegistryException.Kind.NETWORK, "cannot connect to " + target + " for registry "
                    + registry + " (connection refused): check that the registry is running and the address is right", e);
        }
        return new RegistryException(RegistryException.Kind.NETWORK, "network error talking to " + target
                + " for registry " + registry + " (" + e + "): check your network and retry", e);
    }

    static RegistryException plainHttpServer(String target, IOException cause) {
        return new RegistryException(RegistryException.Kind.INSECURE, "registry " + target
                + " does not answer over HTTPS: if it is a plain-HTTP registry you trust, pass --insecure-registry "
                + target, cause);
    }

    /**
     * Whether the server behind an https URI is really a plain-HTTP server. A TLS client hello
     * sent to one either gets an HTTP error back (reported as an unrecognised SSL message) or
     * nothing at all, and then the handshake runs into the connect timeout; a plain GET tells.
     */
    static boolean speaksPlainHttp(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : 443;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), (int) PROBE_TIMEOUT.toMillis());
            socket.setSoTimeout((int) PROBE_TIMEOUT.toMillis());
            socket.getOutputStream().write(("GET /v2/ HTTP/1.0\r\nHost: " + uri.getAuthority() + "\r\nUser-Agent: "
                    + USER_AGENT + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] head = socket.getInputStream().readNBytes(5);
            return new String(head, StandardCharsets.US_ASCII).equals("HTTP/");
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    static Map<String, String> headers(String... nameValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            map.put(nameValues[i], nameValues[i + 1]);
        }
        return map;
    }
}
