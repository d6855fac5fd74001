package io.jrun.images.registry;

import com.sun.net.httpserver.HttpExchange;
import io.jrun.images.oci.ContentMismatchException;
import io.jrun.images.oci.Descriptor;
import io.jrun.images.oci.Digest;
import io.jrun.images.oci.MediaTypes;
import io.jrun.images.reference.ImageReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client's protocol logic against an in-process fake registry (plain HTTP, marked insecure). */
class RegistryClientTest {
    private static final byte[] MANIFEST = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
            "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":2},\
            "layers":[]}""".formatted("0".repeat(64)).getBytes(StandardCharsets.UTF_8);

    private FakeRegistry registry;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final List<RegistryClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        registry = new FakeRegistry();
    }

    @AfterEach
    void stop() {
        clients.forEach(RegistryClient::close);
        registry.close();
    }

    private RegistryClient client(Credentials creds) {
        RegistryOptions options = new RegistryOptions(Set.of(registry.hostPort()), creds, null, name -> null,
                java.nio.file.Path.of("/nonexistent-home"));
        RegistryClient c = new RegistryClient(options,
                new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(30)), sleeps::add, Duration.ofSeconds(10), Duration.ofSeconds(60));
        clients.add(c);
        return c;
    }

    private RegistryClient client() {
        return client(null);
    }

    private ImageReference ref(String repo) {
        return ImageReference.parse(registry.hostPort() + "/" + repo);
    }

    private static void manifest(HttpExchange ex) throws IOException {
        FakeRegistry.respond(ex, 200, MediaTypes.OCI_MANIFEST, MANIFEST);
    }

    private static byte[] blobBytes(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static Descriptor descriptor(byte[] content) {
        return new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digest.sha256(content), content.length);
    }

    // ---- manifests ----

    @Test
    void fetchesManifestWithOciAcceptAndDigest() throws Exception {
        registry.route("/v2/app/manifests/latest", RegistryClientTest::manifest);
        ManifestResponse m = client().getManifest(ref("app"), "latest");
        assertThat(m.body()).isEqualTo(MANIFEST);
        assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(m.digest()).isEqualTo(Digest.sha256(MANIFEST));
        String accept = registry.requestsTo("/v2/app/manifests/latest").getFirst().header("Accept");
        assertThat(accept).contains(MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
                MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);
    }

    @Test
    void mediaTypeFallsBackToTheBody() throws Exception {
        registry.route("/v2/app/manifests/v1", ex -> FakeRegistry.respond(ex, 200, "application/json; charset=utf-8", MANIFEST));
        assertThat(client().getManifest(ref("app"), "v1").mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    }

    @Test
    void pinnedDigestMustMatchTheBody() throws Exception {
        Digest right = Digest.sha256(MANIFEST);
        Digest wrong = Digest.sha256("other".getBytes());
        registry.route("/v2/app/manifests/" + right, RegistryClientTest::manifest);
        registry.route("/v2/app/manifests/" + wrong, RegistryClientTest::manifest);
        assertThat(client().getManifest(ref("app"), right.toString()).digest()).isEqualTo(right);
        assertThatThrownBy(() -> client().getManifest(ref("app"), wrong.toString()))
                .isInstanceOf(ContentMismatchException.class)
                .hasMessageContaining("content has digest " + right);
    }

    @Test
    void dockerContentDigestHeaderIsChecked() throws Exception {
        registry.route("/v2/app/manifests/latest", ex -> {
            ex.getResponseHeaders().set("Docker-Content-Digest", Digest.sha256("x".getBytes()).toString());
            manifest(ex);
        });
        assertThatThrownBy(() -> client().getManifest(ref("app"), "latest"))
                .isInstanceOf(ContentMismatchException.class)
                .hasMessageContaining("announces digest");
    }

    @Test
    void schema1IsRefusedClearly() throws Exception {
        registry.route("/v2/old/manifests/latest", ex -> FakeRegistry.respond(ex, 200, MediaTypes.DOCKER_SCHEMA1_SIGNED,
                "{\"schemaVersion\":1,\"name\":\"old\",\"fsLayers\":[]}".getBytes()));
        registry.route("/v2/old/manifests/json", ex -> FakeRegistry.respond(ex, 200, "application/json",
                "{\"schemaVersion\":1,\"name\":\"old\",\"fsLayers\":[]}".getBytes()));
        for (String tag : List.of("latest", "json")) {
            assertThatThrownBy(() -> client().getManifest(ref("old"), tag))
                    .isInstanceOf(RegistryException.class)
                    .hasMessage("image " + registry.hostPort() + "/old:" + tag + " uses the deprecated Docker schema 1 manifest"
                            + " format, which jrun does not support: re-push it with a current tool")
                    .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.UNSUPPORTED));
        }
    }

    @Test
    void manifestCutMidBodyIsFetchedAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        registry.route("/v2/app/manifests/latest", ex -> {
            if (calls.incrementAndGet() == 1) {
                cutAfter(ex, MANIFEST, 20);
            }
            manifest(ex);
        });
        assertThat(client().getManifest(ref("app"), "latest").digest()).isEqualTo(Digest.sha256(MANIFEST));
        assertThat(calls).hasValue(2);
    }

    @Test
    void missingManifestIsNotFound() {
        registry.route("/v2/app/manifests/nope", ex -> FakeRegistry.respond(ex, 404,
                "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"));
        assertThatThrownBy(() -> client().getManifest(ref("app"), "nope"))
                .isInstanceOf(RegistryException.class)
                .hasMessage("manifest for " + registry.hostPort() + "/app:nope not found in registry " + registry.hostPort()
                        + ": check the image name and tag")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.NOT_FOUND));
    }

    // ---- auth ----

    private void bearerRegistry(String tokenField, String expectedBasic) {
        AtomicInteger tokens = new AtomicInteger();
        registry.route("/token", ex -> {
            tokens.incrementAndGet();
            String query = ex.getRequestURI().getQuery();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (!query.contains("service=fake") || !query.contains("scope=repository:app:pull")
                    || (expectedBasic != null && !expectedBasic.equals(auth))) {
                FakeRegistry.respond(ex, 401, "{}");
                return;
            }
            FakeRegistry.respond(ex, 200, "{\"" + tokenField + "\":\"tok-1\",\"expires_in\":300}");
        });
        registry.route("/v2/app/manifests/latest", ex -> {
            if (!"Bearer tok-1".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + registry.url("/token")
                        + "\",service=\"fake\",scope=\"repository:app:pull\"");
                FakeRegistry.respond(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
                return;
            }
            manifest(ex);
        });
    }

    @Test
    void bearerFlowFetchesATokenOnceAndReusesIt() throws Exception {
        bearerRegistry("token", null);
        RegistryClient client = client();
        assertThat(client.getManifest(ref("app"), "latest").body()).isEqualTo(MANIFEST);
        assertThat(client.getManifest(ref("app"), "latest").body()).isEqualTo(MANIFEST);
        assertThat(registry.requestsTo("/token")).hasSize(1);
        assertThat(registry.requestsTo("/token").getFirst().header("Authorization")).isNull(); // anonymous token
        // anonymous, challenged, then the cached token up front
        assertThat(registry.requestsTo("/v2/app/manifests/latest")).extracting(r -> r.header("Authorization"))
                .containsExactly(null, "Bearer tok-1", "Bearer tok-1");
    }

    @Test
    void bearerFlowSendsCredentialsToTheTokenServiceAndAcceptsAccessToken() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes());
        bearerRegistry("access_token", basic);
        assertThat(client(new Credentials("alice", "s3cret")).getManifest(ref("app"), "latest").body()).isEqualTo(MANIFEST);
        assertThat(registry.requestsTo("/token").getFirst().header("Authorization")).isEqualTo(basic);
    }

    @Test
    void refusedTokenRequestSaysCredentialsWereRefused() {
        bearerRegistry("token", "Basic nobody-has-this");
        assertThatThrownBy(() -> client(new Credentials("alice", "wrong")).getManifest(ref("app"), "latest"))
                .isInstanceOf(RegistryException.class)
                .hasMessage("registry " + registry.hostPort() + ": credentials were refused for " + registry.hostPort()
                        + "/app: check the user name and password in --creds or auth.json")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void basicFlowRetriesWithCredentials() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("bob:pw".getBytes());
        registry.route("/v2/app/manifests/latest", ex -> {
            if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake\"");
                FakeRegistry.respond(ex, 401, "{}");
                return;
            }
            manifest(ex);
        });
        RegistryClient client = client(new Credentials("bob", "pw"));
        assertThat(client.getManifest(ref("app"), "latest").body()).isEqualTo(MANIFEST);
        assertThat(client.getManifest(ref("app"), "latest").body()).isEqualTo(MANIFEST);
        assertThat(registry.requestsTo("/v2/app/manifests/latest")).extracting(r -> r.header("Authorization"))
                .containsExactly(null, basic, basic);
    }

    @Test
    void unauthorizedWithoutCredentialsSaysHowToLogIn() {
        registry.route("/v2/app/manifests/latest", ex -> {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake\"");
            FakeRegistry.respond(ex, 401, "{}");
        });
        assertThatThrownBy(() -> client().getManifest(ref("app"), "latest"))
                .isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("registry " + registry.hostPort() + ": authentication required for "
                        + registry.hostPort() + "/app")
                .hasMessageEndingWith(": log in with --creds USER:PASS or an auth.json entry")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED));
    }

    @Test
    void refusedBasicCredentialsAreReported() {
        registry.route("/v2/app/manifests/latest", ex -> {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake\"");
            FakeRegistry.respond(ex, 401, "{}");
        });
        assertThatThrownBy(() -> client(new Credentials("bob", "bad")).getManifest(ref("app"), "latest"))
                .hasMessageContaining("credentials were refused")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED));
        assertThat(registry.requestsTo("/v2/app/manifests/latest")).hasSize(2);
    }

    @Test
    void forbiddenIsDenied() {
        registry.route("/v2/app/manifests/latest", ex -> FakeRegistry.respond(ex, 403,
                "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}"));
        assertThatThrownBy(() -> client().getManifest(ref("app"), "latest"))
                .hasMessage("registry " + registry.hostPort() + ": access to " + registry.hostPort() + "/app denied"
                        + " (DENIED: requested access to the resource is denied): use credentials that may pull it (--creds USER:PASS or auth.json)")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.DENIED));
    }

    @Test
    void expiredTokenIsRefreshedOnce() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        registry.route("/token", ex -> FakeRegistry.respond(ex, 200, "{\"token\":\"t" + issued.incrementAndGet() + "\"}"));
        registry.route("/v2/app/manifests/latest", ex -> {
            String current = "Bearer t" + issued.get();
            if (!current.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + registry.url("/token") + "\",service=\"fake\"");
                FakeRegistry.respond(ex, 401, "{}");
                return;
            }
            manifest(ex);
        });
        RegistryClient client = client();
        client.getManifest(ref("app"), "latest");
        issued.incrementAndGet(); // the registry now wants a newer token: t1 has "expired"
        client.getManifest(ref("app"), "latest");
        assertThat(registry.requestsTo("/token")).hasSize(2);
        // no scope in the challenge: the pull scope is asked for
        assertThat(registry.requestsTo("/token").getFirst().query()).contains("scope=repository%3Aapp%3Apull");
    }

    // ---- transport ----

    @Test
    void retriesA503ThenSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        registry.route("/v2/app/manifests/latest", ex -> {
            if (calls.incrementAndGet() == 1) {
                FakeRegistry.respond(ex, 503, "{}");
                return;
            }
            manifest(ex);
        });
        assertThat(client().getManifest(ref("app"), "latest").body()).isEqualTo(MANIFEST);
        assertThat(calls).hasValue(2);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void honoursRetryAfterOn429() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        registry.route("/v2/app/manifests/latest", ex -> {
            if (calls.incrementAndGet() == 1) {
                ex.getResponseHeaders().set("Retry-After", "7");
                FakeRegistry.respond(ex, 429, "{}");
                return;
            }
            manifest(ex);
        });
        client().getManifest(ref("app"), "latest");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void givesUpAfterFourAttemptsWithAClearError() {
        registry.route("/v2/app/manifests/latest", ex -> FakeRegistry.respond(ex, 502, "{}"));
        assertThatThrownBy(() -> client().getManifest(ref("app"), "latest"))
                .hasMessage("registry " + registry.hostPort() + " failed with HTTP 502 for manifest " + registry.hostPort()
                        + "/app:latest: retry later")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.SERVER));
        assertThat(registry.requestsTo("/v2/app/manifests/latest")).hasSize(4);
    }

    @Test
    void doesNotRetryOtherClientErrors() {
        registry.route("/v2/app/manifests/latest", ex -> FakeRegistry.respond(ex, 400, "{}"));
        assertThatThrownBy(() -> client().getManifest(ref("app"), "latest")).isInstanceOf(RegistryException.class);
        assertThat(registry.requestsTo("/v2/app/manifests/latest")).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void redirectToAnotherHostDropsAuthorization() throws Exception {
        byte[] content = blobBytes(10_000);
        Descriptor d = descriptor(content);
        try (FakeRegistry storage = new FakeRegistry()) {
            storage.route("/bucket/blob", ex -> FakeRegistry.respond(ex, 200, "application/octet-stream", content));
            String blobPath = "/v2/app/blobs/" + d.digest();
            registry.route(blobPath, ex -> {
                if (ex.getRequestHeaders().getFirst("Authorization") == null) {
                    ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake\"");
                    FakeRegistry.respond(ex, 401, "{}");
                    return;
                }
                ex.getResponseHeaders().set("Location", storage.url("/bucket/blob") + "?sig=abc");
                FakeRegistry.respond(ex, 307, null, new byte[0]);
            });
            byte[] got = client(new Credentials("bob", "pw")).getBlob(ref("app"), d);
            assertThat(got).isEqualTo(content);
            assertThat(storage.requestsTo("/bucket/blob")).singleElement()
                    .satisfies(r -> assertThat(r.header("Authorization")).isNull())
                    .satisfies(r -> assertThat(r.query()).isEqualTo("sig=abc"));
        }
    }

    @Test
    void relativeRedirectOnTheSameHostKeepsAuthorization() throws Exception {
        byte[] content = blobBytes(100);
        Descriptor d = descriptor(content);
        String basic = "Basic " + Base64.getEncoder().encodeToString("bob:pw".getBytes());
        registry.route("/v2/app/blobs/" + d.digest(), ex -> {
            ex.getResponseHeaders().set("Location", "/storage/1");
            FakeRegistry.respond(ex, 302, null, new byte[0]);
        });
        registry.route("/storage/1", ex -> {
            if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake\"");
                FakeRegistry.respond(ex, 401, "{}");
                return;
            }
            FakeRegistry.respond(ex, 200, "application/octet-stream", content);
        });
        assertThat(client(new Credentials("bob", "pw")).getBlob(ref("app"), d)).isEqualTo(content);
        assertThat(registry.requestsTo("/storage/1")).last().satisfies(r -> assertThat(r.header("Authorization")).isEqualTo(basic));
    }

    @Test
    void redirectLoopsAreCut() {
        registry.route("/v2/app/manifests/latest", ex -> {
            ex.getResponseHeaders().set("Location", "/v2/app/manifests/latest");
            FakeRegistry.respond(ex, 301, null, new byte[0]);
        });
        assertThatThrownBy(() -> client().getManifest(ref("app"), "latest")).hasMessageContaining("redirected more than 5 times");
        assertThat(registry.requestsTo("/v2/app/manifests/latest")).hasSize(6);
    }

    @Test
    void httpsToAPlainHttpServerExplainsInsecureRegistry() {
        RegistryOptions secure = new RegistryOptions(Set.of(), null, null, name -> null, java.nio.file.Path.of("/nonexistent-home"));
        try (RegistryClient client = new RegistryClient(secure,
                new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(1)), sleeps::add, Duration.ofSeconds(2), Duration.ofSeconds(60))) {
            assertThatThrownBy(() -> client.getManifest(ref("app"), "latest"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessage("registry " + registry.hostPort() + " does not answer over HTTPS: if it is a plain-HTTP registry"
                            + " you trust, pass --insecure-registry " + registry.hostPort())
                    .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.INSECURE));
        }
        assertThat(sleeps).as("a plain-HTTP server is not a transient failure").isEmpty();
    }

    @Test
    void insecureHostWithoutPortMatchesAnyPort() {
        RegistryOptions options = new RegistryOptions(Set.of("127.0.0.1"), null, null, n -> null, java.nio.file.Path.of("/"));
        assertThat(RegistryEndpoint.of(ref("app"), options).plainHttp()).isTrue();
        assertThat(RegistryEndpoint.of(ref("app"), RegistryOptions.defaults()).plainHttp()).isFalse();
        assertThat(RegistryEndpoint.of(ImageReference.parse("127.0.0.1:1/app"),
                new RegistryOptions(Set.of("127.0.0.1:2"), null, null, n -> null, java.nio.file.Path.of("/"))).plainHttp()).isFalse();
    }

    @Test
    void refusedConnectionIsANetworkError() throws IOException {
        FakeRegistry gone = new FakeRegistry();
        String hostPort = gone.hostPort();
        gone.close();
        RegistryOptions options = new RegistryOptions(Set.of(hostPort), null, null, n -> null, java.nio.file.Path.of("/"));
        try (RegistryClient client = new RegistryClient(options,
                new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1)), sleeps::add, Duration.ofSeconds(10), Duration.ofSeconds(60))) {
            assertThatThrownBy(() -> client.getManifest(ImageReference.parse(hostPort + "/app"), "latest"))
                    .hasMessageContaining("cannot connect to " + hostPort)
                    .hasMessageContaining("check that the registry is running")
                    .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.NETWORK));
        }
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void unresolvableHostIsNotRetried() {
        // .invalid never resolves (RFC 6761)
        assertThatThrownBy(() -> client().getManifest(ImageReference.parse("registry.jrun-test.invalid/app"), "latest"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("registry.jrun-test.invalid")
                .hasMessageContaining("check the image name and your DNS")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.NETWORK));
        assertThat(sleeps).isEmpty();
    }

    // ---- blobs ----

    @Test
    void blobCutMidBodyIsResumedWithRange() throws Exception {
        byte[] content = blobBytes(300_000);
        Descriptor d = descriptor(content);
        List<String> ranges = new CopyOnWriteArrayList<>();
        registry.route("/v2/app/blobs/" + d.digest(), ex -> {
            String range = ex.getRequestHeaders().getFirst("Range");
            ranges.add(String.valueOf(range));
            if (range == null) {
                cutAfter(ex, content, 100_000);
                return;
            }
            int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            byte[] rest = Arrays.copyOfRange(content, from, content.length);
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            FakeRegistry.respond(ex, 206, "application/octet-stream", rest);
        });
        try (InputStream in = client().openBlob(ref("app"), d)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(ranges).hasSize(2);
        assertThat(ranges.getFirst()).isEqualTo("null");
        assertThat(ranges.get(1)).startsWith("bytes=").endsWith("-");
        assertThat(Long.parseLong(ranges.get(1).substring(6, ranges.get(1).length() - 1))).isPositive().isLessThanOrEqualTo(100_000);
    }

    @Test
    void stalledBlobBodyIsCutAndResumed() throws Exception {
        byte[] content = blobBytes(100_000);
        Descriptor d = descriptor(content);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> ranges = new CopyOnWriteArrayList<>();
        registry.route("/v2/app/blobs/" + d.digest(), ex -> {
            String range = ex.getRequestHeaders().getFirst("Range");
            ranges.add(String.valueOf(range));
            if (range == null) {
                ex.sendResponseHeaders(200, content.length);
                OutputStream out = ex.getResponseBody();
                out.write(content, 0, 10_000);
                out.flush();
                try {
                    release.await(); // keep the connection open and silent
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("fake registry: stalled connection abandoned");
            }
            int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            FakeRegistry.respond(ex, 206, "application/octet-stream", Arrays.copyOfRange(content, from, content.length));
        });
        RegistryOptions options = new RegistryOptions(Set.of(registry.hostPort()), null, null, name -> null,
                java.nio.file.Path.of("/nonexistent-home"));
        try (RegistryClient client = new RegistryClient(options,
                new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(1)), sleeps::add,
                Duration.ofSeconds(10), Duration.ofMillis(300));
             InputStream in = client.openBlob(ref("app"), d)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        } finally {
            release.countDown();
        }
        assertThat(ranges).hasSize(2);
        assertThat(ranges.get(1)).startsWith("bytes=");
    }

    @Test
    void serverIgnoringRangeHasItsPrefixSkipped() throws Exception {
        byte[] content = blobBytes(200_000);
        Descriptor d = descriptor(content);
        AtomicInteger calls = new AtomicInteger();
        registry.route("/v2/app/blobs/" + d.digest(), ex -> {
            if (calls.incrementAndGet() == 1) {
                cutAfter(ex, content, 50_000);
                return;
            }
            FakeRegistry.respond(ex, 200, "application/octet-stream", content); // ignores Range
        });
        try (InputStream in = client().openBlob(ref("app"), d)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(calls).hasValue(2);
    }

    @Test
    void reconnectionThatBreaksWhileSkippingIsRetried() throws Exception {
        byte[] content = blobBytes(200_000);
        Descriptor d = descriptor(content);
        AtomicInteger calls = new AtomicInteger();
        registry.route("/v2/app/blobs/" + d.digest(), ex -> {
            switch (calls.incrementAndGet()) {
                case 1 -> cutAfter(ex, content, 80_000);
                case 2 -> cutAfter(ex, content, 10_000); // ignores Range and breaks before reaching 80 000
                default -> FakeRegistry.respond(ex, 200, "application/octet-stream", content);
            }
        });
        try (InputStream in = client().openBlob(ref("app"), d)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(calls).hasValue(3);
    }

    @Test
    void blobThatKeepsBreakingFailsAfterBoundedResumes() {
        byte[] content = blobBytes(10_000);
        Descriptor d = descriptor(content);
        registry.route("/v2/app/blobs/" + d.digest(), ex -> cutAfter(ex, content, 0));
        assertThatThrownBy(() -> {
            try (InputStream in = client().openBlob(ref("app"), d)) {
                in.readAllBytes();
            }
        }).isInstanceOf(RegistryException.class).hasMessageContaining("kept breaking").hasMessageContaining("check the network");
        // Bounded: the resumes, plus at most one transport-level retry when the cut happens
        // before the response headers arrive instead of inside the body (a timing matter).
        assertThat(registry.requestsTo("/v2/app/blobs/" + d.digest()).size())
                .isBetween(1 + BlobStream.MAX_RESUMES_WITHOUT_PROGRESS, 2 + BlobStream.MAX_RESUMES_WITHOUT_PROGRESS);
    }

    @Test
    void wrongContentNeverReachesEof() throws Exception {
        byte[] content = blobBytes(50_000);
        byte[] served = content.clone();
        served[40_000] ^= 1;
        Descriptor d = descriptor(content);
        registry.route("/v2/app/blobs/" + d.digest(), ex -> FakeRegistry.respond(ex, 200, "application/octet-stream", served));
        try (InputStream in = client().openBlob(ref("app"), d)) {
            byte[] buf = new byte[8192];
            assertThatThrownBy(() -> {
                while (in.read(buf) >= 0) {
                    // keep reading: the stream must throw, not end
                }
            }).isInstanceOf(ContentMismatchException.class).hasMessageContaining("content has digest");
            assertThatThrownBy(in::read).isInstanceOf(ContentMismatchException.class);
        }
        assertThatThrownBy(() -> client().getBlob(ref("app"), d)).isInstanceOf(ContentMismatchException.class);
    }

    @Test
    void blobOfTheWrongSizeIsRejected() {
        byte[] content = blobBytes(1000);
        Descriptor longer = new Descriptor(MediaTypes.OCI_CONFIG, Digest.sha256(content), 999);
        registry.route("/v2/app/blobs/" + longer.digest(), ex -> FakeRegistry.respond(ex, 200, "application/octet-stream", content));
        assertThatThrownBy(() -> client().getBlob(ref("app"), longer))
                .isInstanceOf(ContentMismatchException.class).hasMessageContaining("expected 999 bytes");
    }

    @Test
    void chunkedBlobLongerThanPromisedFailsBeforeEof() {
        byte[] content = blobBytes(1000);
        Descriptor shorter = new Descriptor(MediaTypes.OCI_CONFIG, Digest.sha256(Arrays.copyOf(content, 900)), 900);
        registry.route("/v2/app/blobs/" + shorter.digest(), ex -> {
            ex.sendResponseHeaders(200, 0); // chunked: no Content-Length to check up front
            try (OutputStream out = ex.getResponseBody()) {
                out.write(content);
            }
        });
        assertThatThrownBy(() -> client().getBlob(ref("app"), shorter))
                .isInstanceOf(ContentMismatchException.class).hasMessageContaining("got more");
    }

    @Test
    void missingBlobIsNotFound() {
        Descriptor d = descriptor(blobBytes(10));
        assertThatThrownBy(() -> client().openBlob(ref("app"), d))
                .isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("blob " + d.digest() + " of " + registry.hostPort() + "/app not found in registry")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.NOT_FOUND));
    }

    @Test
    void parallelBlobStreamsShareOneClient() throws Exception {
        List<byte[]> blobs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] content = blobBytes(100_000 + i);
            blobs.add(content);
            Descriptor d = descriptor(content);
            AtomicInteger calls = new AtomicInteger();
            registry.route("/v2/app/blobs/" + d.digest(), ex -> {
                if (calls.incrementAndGet() == 1) {
                    cutAfter(ex, content, 30_000);
                    return;
                }
                FakeRegistry.respond(ex, 200, "application/octet-stream", content);
            });
        }
        RegistryClient client = client();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (byte[] content : blobs) {
                results.add(pool.submit(() -> {
                    try (InputStream in = client.openBlob(ref("app"), descriptor(content))) {
                        return in.readAllBytes();
                    }
                }));
            }
            for (int i = 0; i < blobs.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(blobs.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Promises the whole blob, sends {@code n} bytes, then drops the connection. */
    private static void cutAfter(HttpExchange ex, byte[] content, int n) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, content.length);
        OutputStream out = ex.getResponseBody();
        out.write(content, 0, n);
        out.flush();
        // Closing the exchange would leave the connection open and the client waiting; a
        // handler that throws makes com.sun.net.httpserver close the connection itself.
        throw new IOException("fake registry: connection cut on purpose");
    }
}
