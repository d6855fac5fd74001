package io.jrun.images.registry;

import io.jrun.images.oci.Descriptor;
import io.jrun.images.reference.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A client of the OCI distribution API (pull side), in the jib-core manner: a small facade over
 * one class per protocol step ({@link RegistryEndpoint}, {@link AuthChallenge},
 * {@link TokenExchange}, {@link ManifestPull}, {@link BlobPull}, {@link RetryPolicy}).
 *
 * <p>HTTPS by default; plain HTTP only for {@link RegistryOptions#insecureRegistries()} (loopback
 * is not trusted implicitly, see {@link RegistryEndpoint}). Requests start anonymous and answer
 * Bearer or Basic challenges with credentials from {@link CredentialLookup}; tokens are cached
 * for the client's life. Redirects are followed by hand, dropping the Authorization header
 * across hosts. Transient failures are retried with backoff; a blob body that stalls for
 * {@link StallGuard#DEFAULT_IDLE} is cut and resumed.
 *
 * <p>Thread-safe: one HttpClient (HTTP/1.1, 10 s connect timeout) serves all threads, and
 * {@link #openBlob} may be called from several threads at once.
 */
public final class RegistryClient implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final RegistryOptions options;
    private final ExecutorService executor;
    private final HttpClients http;
    private final RegistryRequest request;
    private final ScheduledExecutorService scheduler;
    private final StallGuard stallGuard;

    public RegistryClient(RegistryOptions options) {
        this(options, RetryPolicy.DEFAULT, d -> Thread.sleep(d), CONNECT_TIMEOUT, StallGuard.DEFAULT_IDLE);
    }

    RegistryClient(RegistryOptions options, RetryPolicy retry, Transport.Sleeper sleeper, Duration connectTimeout,
                   Duration idleTimeout) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("jrun-registry-watchdog").factory());
        this.stallGuard = new StallGuard(scheduler, idleTimeout);
        // daemon threads: an embedding program must not be kept alive by a forgotten client
        this.executor = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("jrun-registry-", 0).factory());
        this.http = new HttpClients(connectTimeout, executor);
        Transport transport = new Transport(http, retry, sleeper);
        this.request = new RegistryRequest(transport, new Authenticator(transport, new CredentialLookup(options)));
    }

    /**
     * Fetches the manifest or index {@code reference} (a tag or a digest string) of
     * {@code ref}'s repository, verified against the digest when one is asked for. A null
     * {@code reference} means {@link ImageReference#manifestReference()}.
     */
    public ManifestResponse getManifest(ImageReference ref, String reference) throws IOException {
        return ManifestPull.pull(request, RegistryEndpoint.of(ref, options), ref,
                reference == null ? ref.manifestReference() : reference);
    }

    /** Fetches a small blob (a config) into memory, verified against {@code d}'s size and digest. */
    public byte[] getBlob(ImageReference ref, Descriptor d) throws IOException {
        return BlobPull.read(request, RegistryEndpoint.of(ref, options), ref, d, stallGuard);
    }

    /**
     * Opens a blob as a stream of its raw (still compressed) bytes. The stream resumes broken
     * downloads with Range requests and verifies size and digest before returning EOF; a
     * mismatch throws {@link io.jrun.images.oci.ContentMismatchException}. Close it when done.
     */
    public InputStream openBlob(ImageReference ref, Descriptor d) throws IOException {
        return BlobPull.open(request, RegistryEndpoint.of(ref, options), ref, d, stallGuard);
    }

    @Override
    public void close() {
        http.close();
        executor.shutdownNow();
        scheduler.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
