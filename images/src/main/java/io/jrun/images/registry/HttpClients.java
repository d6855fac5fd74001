package io.jrun.images.registry;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The HTTP clients of one RegistryClient, built on first use: one for https:// URIs and one
 * for plain http:// URIs (registries named with --insecure-registry).
 *
 * <p>Why two: building a JDK HttpClient initialises the default SSLContext, which reads the
 * whole CA trust store: about 60 ms at every jrun start. A fetch from a plain-HTTP registry
 * never needs it, so its client gets a context that refuses any use instead.
 */
final class HttpClients implements AutoCloseable {
    private final Duration connectTimeout;
    private final Executor executor;
    private final Lazy tls = new Lazy(() -> builder().build());
    private final Lazy plain = new Lazy(() -> builder()
            .sslContext(new NoTlsContext())
            .sslParameters(new SSLParameters())
            .build());

    HttpClients(Duration connectTimeout, Executor executor) {
        this.connectTimeout = connectTimeout;
        this.executor = executor;
    }

    HttpClient forUri(URI uri) {
        return "http".equalsIgnoreCase(uri.getScheme()) ? plain.get() : tls.get();
    }

    private HttpClient.Builder builder() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor);
    }

    @Override
    public void close() {
        tls.close();
        plain.close();
    }

    /** One client, built on first use; closing one never built does nothing. */
    private static final class Lazy {
        private final Supplier<HttpClient> factory;
        private HttpClient client;

        Lazy(Supplier<HttpClient> factory) {
            this.factory = factory;
        }

        synchronized HttpClient get() {
            if (client == null) {
                client = factory.get();
            }
            return client;
        }

        void close() {
            HttpClient built;
            synchronized (this) {
                built = client;
            }
            if (built == null) {
                return;
            }
            built.shutdown();
            try {
                if (!built.awaitTermination(Duration.ofSeconds(2))) {
                    built.shutdownNow();
                }
            } catch (InterruptedException e) {
                built.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** An SSLContext for a client that only speaks plain HTTP: any TLS use is a bug. */
    private static final class NoTlsContext extends SSLContext {
        NoTlsContext() {
            super(new Spi(), null, "none");
        }

        private static final class Spi extends SSLContextSpi {
            private static UnsupportedOperationException refused() {
                return new UnsupportedOperationException("TLS is not set up on the plain-HTTP registry client");
            }

            @Override
            protected void engineInit(javax.net.ssl.KeyManager[] km, javax.net.ssl.TrustManager[] tm, SecureRandom sr) {
                throw refused();
            }

            @Override
            protected SSLSocketFactory engineGetSocketFactory() {
                throw refused();
            }

            @Override
            protected SSLServerSocketFactory engineGetServerSocketFactory() {
                throw refused();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine() {
                throw refused();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine(String host, int port) {
                throw refused();
            }

            @Override
            protected SSLSessionContext engineGetServerSessionContext() {
                throw refused();
            }

            @Override
            protected SSLSessionContext engineGetClientSessionContext() {
                throw refused();
            }
        }
    }
}
