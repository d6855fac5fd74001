package io.jrun.nativetests.fetch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.nativetests.harness.FaultProxy;
import io.jrun.nativetests.harness.RegistryServer;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.nativetests.harness.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jrun fetch through a {@link FaultProxy} in front of a real docker-registry: transient
 * statuses are retried, a blob whose connection breaks mid-way is resumed with a Range request,
 * blob redirects to another host are followed without the registry's credentials, and a
 * registry that keeps failing gives one clear line and leaves the store as it was.
 */
class RegistryFaultsTest {
    private static final String USER = "jrun-user";
    private static final String PASSWORD = "faults-pass";
    private static final int BIG_FILE_SIZE = 4 << 20;
    private static final long CUT_AFTER = 1 << 20;

    @TempDir
    static Path work;
    static RegistryServer registry;
    static RegistryServer basic;
    static byte[] bigFile;
    static String bigConfigDigest;

    @BeforeAll
    static void startRegistries() throws Exception {
        Tools.require("docker-registry", "skopeo");
        registry = RegistryServer.plain(work.resolve("plain"));
        registry.push(TestImages.layout("busybox"), "latest", "test/busybox:latest");
        basic = RegistryServer.basicAuth(work.resolve("basic"), USER, PASSWORD);
        basic.push(TestImages.layout("busybox"), "latest", "test/busybox:latest");

        bigFile = new byte[BIG_FILE_SIZE];
        new Random(42).nextBytes(bigFile);   // random bytes do not compress: the gzip blob stays ~4 MiB
        pushBigImage(registry, "test/big", "latest");
    }

    @AfterAll
    static void stopRegistries() {
        if (registry != null) {
            registry.close();
        }
        if (basic != null) {
            basic.close();
        }
    }

    private static JrunCli.Result fetch(Path state, FaultProxy proxy, String image, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("fetch", "--insecure-registry", proxy.address()));
        all.addAll(List.of(args));
        all.add(proxy.address() + "/" + image);
        return new JrunCli(state).run(all.toArray(String[]::new));
    }

    private static void assertBusyboxFetched(JrunCli.Result r, Path state) throws IOException {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        StoreState store = new StoreState(state);
        assertThat(store.layerDirs()).hasSize(4);
        assertThat(store.names()).hasSize(1);
        assertThat(store.workAreas()).isEmpty();
        store.assertConsistent();
        assertThat(store.layerRootContaining("srv/layer4.txt").resolve("srv/layer4.txt")).hasContent("4");
    }

    @Test
    void transientServiceUnavailableIsRetried(@TempDir Path state) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry)) {
            proxy.failNext(2, 503);
            assertBusyboxFetched(fetch(state, proxy, "test/busybox:latest"), state);
            assertThat(proxy.failuresInjected()).isEqualTo(2);
        }
    }

    @Test
    void rateLimitingIsRetried(@TempDir Path state) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry)) {
            proxy.failNext(2, 429);
            assertBusyboxFetched(fetch(state, proxy, "test/busybox:latest"), state);
            assertThat(proxy.failuresInjected()).isEqualTo(2);
        }
    }

    @Test
    void brokenBlobDownloadResumesWithRange(@TempDir Path state) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry)) {
            proxy.cutBlobAfter(CUT_AFTER);
            JrunCli.Result r = fetch(state, proxy, "test/big:latest");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(proxy.cutsDone()).isEqualTo(1);
            assertThat(proxy.rangeRequests()).as("the resumed GET asks for the rest only").isNotEmpty()
                    .allMatch(range -> range.matches("bytes=[1-9][0-9]*-"), "bytes=N- with N > 0");

            // StoreState.assertConsistent knows sha256 configs only: the same checks by hand
            StoreState store = new StoreState(state);
            assertThat(store.names()).containsExactly(proxy.address() + "/test/big:latest");
            assertThat(store.layerDirs()).hasSize(1);
            assertThat(store.layerDirs().getFirst().resolve("layer.json")).isRegularFile();
            assertThat(store.blobs()).hasSize(1);   // the manifest
            Path manifest = store.blobs().getFirst();
            assertThat(hex("SHA-256", Files.readAllBytes(manifest))).isEqualTo(manifest.getFileName().toString());
            Path config = store.images().resolve("blobs/sha512").resolve(bigConfigDigest.substring("sha512:".length()));
            assertThat("sha512:" + hex("SHA-512", Files.readAllBytes(config))).isEqualTo(bigConfigDigest);
            assertThat(store.workAreas()).isEmpty();
            assertThat(store.layerRootContaining("big.bin").resolve("big.bin")).hasBinaryContent(bigFile);

            // removing the image takes the sha512 config along with everything else
            JrunCli.Result rm = new JrunCli(state).run("image", "rm", proxy.address() + "/test/big:latest");
            assertThat(rm.exitCode()).as(rm.toString()).isZero();
            assertThat(store.layerDirs()).isEmpty();
            assertThat(store.blobs()).isEmpty();
            assertThat(config).doesNotExist();
        }
    }

    @Test
    void blobRedirectToAnotherHostIsFollowed(@TempDir Path state) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry)) {
            proxy.redirectBlobs(true);
            assertBusyboxFetched(fetch(state, proxy, "test/busybox:latest"), state);
            assertThat(proxy.redirectsSent()).isPositive();
            assertThat(proxy.redirectedRequests()).isEqualTo(proxy.redirectsSent());
            assertThat(proxy.redirectedWithAuthorization()).isZero();
        }
    }

    @Test
    void blobRedirectDoesNotCarryTheRegistryCredentials(@TempDir Path state) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(basic)) {
            proxy.redirectBlobs(true);
            assertBusyboxFetched(fetch(state, proxy, "test/busybox:latest", "--creds", USER + ":" + PASSWORD), state);
            assertThat(proxy.redirectsSent()).isPositive();
            assertThat(proxy.redirectedRequests()).isEqualTo(proxy.redirectsSent());
            assertThat(proxy.redirectedWithAuthorization()).as("Authorization leaked to " + proxy.redirectAddress())
                    .isZero();
        }
    }

    @Test
    void persistentServerErrorFailsCleanly(@TempDir Path state) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry)) {
            proxy.failNext(Integer.MAX_VALUE, 500);
            JrunCli.Result r = fetch(state, proxy, "test/busybox:latest");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
            assertThat(r.stderr()).startsWith("jrun: ").contains("HTTP 500");
            assertThat(r.stderr().strip().lines()).as(r.toString()).hasSize(1);
            assertThat(proxy.failuresInjected()).as("retried before giving up").isGreaterThan(1);

            StoreState store = new StoreState(state);
            assertThat(store.names()).isEmpty();
            assertThat(store.layerDirs()).isEmpty();
            assertThat(store.workAreas()).isEmpty();
        }
    }

    /**
     * One gzip layer holding /big.bin ({@link #bigFile}). The config is pushed under a sha512
     * digest (OCI registers sha512): the proxy's cut applies to the first successful sha256 blob
     * GET, and jrun reads the config before any layer, so this way the cut lands in the layer.
     */
    private static void pushBigImage(RegistryServer target, String repo, String tag) throws Exception {
        ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
            RawImage.file(tar, "big.bin", bigFile);
        }
        byte[] tar = tarBytes.toByteArray();
        byte[] gz = RawImage.gzip(tar);
        String layerDigest = target.pushBlob(repo, gz).toString();

        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.put("architecture", io.jrun.images.oci.Platform.host().architecture());
        config.put("os", "linux");
        config.putObject("config").putArray("Cmd").add("/bin/sh");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids").add("sha256:" + hex("SHA-256", tar));
        byte[] configBytes = json.writeValueAsBytes(config);
        String configDigest = "sha512:" + hex("SHA-512", configBytes);
        bigConfigDigest = configDigest;
        pushBlobAs(target, repo, configBytes, configDigest);

        ObjectNode manifest = json.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        ObjectNode c = manifest.putObject("config");
        c.put("mediaType", "application/vnd.oci.image.config.v1+json");
        c.put("digest", configDigest);
        c.put("size", configBytes.length);
        ObjectNode layer = manifest.putArray("layers").addObject();
        layer.put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip");
        layer.put("digest", layerDigest);
        layer.put("size", gz.length);
        target.pushManifest(repo, tag, "application/vnd.oci.image.manifest.v1+json", json.writeValueAsBytes(manifest));
    }

    /** A monolithic upload (POST, then PUT ?digest=) to a registry without authentication. */
    private static void pushBlobAs(RegistryServer target, String repo, byte[] content, String digest) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(target.url("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        URI upload = target.url("/").resolve(started.headers().firstValue("Location").orElseThrow());
        String sep = upload.getRawQuery() == null ? "?" : "&";
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(URI.create(upload + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).as("PUT %s: %s", digest, done.body()).isEqualTo(201);
    }

    private static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
