package io.jrun.nativetests.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.jrun.nativetests.harness.TestImages.blob;
import static io.jrun.nativetests.harness.TestImages.blobPath;
import static io.jrun.nativetests.harness.TestImages.manifestOfTag;
import static io.jrun.nativetests.harness.TestImages.tagDigest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.images.oci.Digest;
import io.jrun.linux.Processes;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test harness itself: images, registries (plain, basic, token), raw pushes, the fault proxy,
 * and the check that no process is left.
 */
class HarnessTest {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String ACCEPT_ALL = String.join(",", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);
    static final String LAYER = "application/vnd.oci.image.layer.v1.tar";

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    Path work;

    // ------------------------------------------------------------------ images

    @Test
    void busyboxHasFourLayersGzipZstdTarGzipAndTheDocumentedConfig() throws IOException {
        Path layout = TestImages.layout("busybox");
        JsonNode manifest = manifestOfTag(layout, "latest");
        assertThat(manifest.get("mediaType").asText()).isEqualTo(OCI_MANIFEST);
        List<String> types = new ArrayList<>();
        manifest.get("layers").forEach(l -> types.add(l.get("mediaType").asText()));
        assertThat(types).containsExactly(LAYER + "+gzip", LAYER + "+zstd", LAYER, LAYER + "+gzip");

        JsonNode config = JSON.readTree(blob(layout, manifest.get("config").get("digest").asText()));
        assertThat(config.get("architecture").asText()).isEqualTo("amd64");
        assertThat(config.get("os").asText()).isEqualTo("linux");
        JsonNode c = config.get("config");
        assertThat(JSON.convertValue(c.get("Env"), List.class))
                .containsExactly("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "JRUN_TEST=1");
        assertThat(JSON.convertValue(c.get("Cmd"), List.class)).containsExactly("/bin/sh", "-c", "echo hello from busybox");
        assertThat(c.get("WorkingDir").asText()).isEqualTo("/srv");
        assertThat(JSON.convertValue(c.get("Labels"), Map.class)).isEqualTo(Map.of("org.jrun.test", "busybox"));
        assertThat(config.get("rootfs").get("diff_ids")).hasSize(4);
    }

    @Test
    void busyboxLayersHoldTheHardCases() throws IOException {
        Path layout = TestImages.layout("busybox");
        JsonNode layers = manifestOfTag(layout, "latest").get("layers");

        Map<String, TarArchiveEntry> l1 = entries(new GzipCompressorInputStream(
                Files.newInputStream(blobPath(layout, layers.get(0).get("digest").asText()))));
        TarArchiveEntry device = l1.get("dev-test/null-like");
        assertThat(device.isCharacterDevice()).isTrue();
        assertThat(device.getDevMajor()).isEqualTo(1);
        assertThat(device.getDevMinor()).isEqualTo(3);
        assertThat(device.getMode() & 07777).isEqualTo(0666);
        assertThat(l1.get("srv/fifo").isFIFO()).isTrue();
        assertThat(l1.get("usr/local/bin/suid-test").getMode() & 07777).isEqualTo(04755);
        assertThat(l1.get("srv/xattr.txt").getExtraPaxHeader("SCHILY.xattr.user.jrun.test")).isEqualTo("hello");
        assertThat(l1.get("home/app/").getLongUserId()).isEqualTo(1000);
        assertThat(l1.get("home/app/").getLongGroupId()).isEqualTo(1000);
        assertThat(l1.get("bin/sh").isLink()).isTrue();
        assertThat(l1.get("bin/busybox").isLink()).isTrue();
        assertThat(l1.get("bin/sh").getLinkName()).isEqualTo(l1.get("bin/busybox").getLinkName());
        assertThat(l1.get("sbin/init").isSymbolicLink()).isTrue();
        assertThat(l1.get("sbin/init").getLinkName()).isEqualTo("/bin/busybox");
        assertThat(l1.keySet()).anyMatch(n -> n.startsWith("srv/long/") && n.endsWith("/deep.txt") && n.length() > 100);
        assertThat(l1.keySet()).anyMatch(n -> n.startsWith("srv/long/name-") && n.length() - "srv/long/".length() > 100);
        assertThat(l1).containsKeys("etc/motd", "opt/app/config.txt", "opt/app/old-subdir/old.txt", "etc/passwd", "etc/group");

        Path zstdLayer = blobPath(layout, layers.get(1).get("digest").asText());
        Tools.require("zstd");
        Process unzstd = new ProcessBuilder("zstd", "-dc", zstdLayer.toString()).start();
        Map<String, TarArchiveEntry> l2 = entries(unzstd.getInputStream());
        assertThat(l2).containsKeys("etc/.wh.motd", "etc/jrun-release");

        Map<String, TarArchiveEntry> l3 = entries(Files.newInputStream(blobPath(layout, layers.get(2).get("digest").asText())));
        assertThat(l3).containsKeys("opt/app/.wh..wh..opq", "opt/app/new.txt").doesNotContainKey("opt/app/config.txt");

        Map<String, TarArchiveEntry> l4 = entries(new GzipCompressorInputStream(
                Files.newInputStream(blobPath(layout, layers.get(3).get("digest").asText()))));
        assertThat(l4).containsKey("srv/layer4.txt");
    }

    @Test
    void multiIsAnIndexOfAmd64AndArm64() throws IOException {
        Path layout = TestImages.layout("busybox-multi");
        JsonNode index = manifestOfTag(layout, "latest");
        assertThat(index.get("mediaType").asText()).isEqualTo(OCI_INDEX);
        List<String> platforms = new ArrayList<>();
        for (JsonNode m : index.get("manifests")) {
            platforms.add(m.get("platform").get("os").asText() + "/" + m.get("platform").get("architecture").asText());
            JsonNode instance = JSON.readTree(blob(layout, m.get("digest").asText()));
            assertThat(instance.get("layers")).hasSize(1);
            assertThat(instance.get("layers").get(0).get("mediaType").asText()).isEqualTo(LAYER + "+gzip");
        }
        assertThat(platforms).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
    }

    @Test
    void dockerVariantsUseSchema2MediaTypes() throws IOException {
        JsonNode single = JSON.readTree(TestImages.layout("busybox-docker").resolve("manifest.json").toFile());
        assertThat(single.get("mediaType").asText()).isEqualTo(DOCKER_MANIFEST);
        assertThat(single.get("config").get("mediaType").asText()).isEqualTo("application/vnd.docker.container.image.v1+json");
        assertThat(single.get("layers")).hasSize(4).allSatisfy(l ->
                assertThat(l.get("mediaType").asText()).isEqualTo("application/vnd.docker.image.rootfs.diff.tar.gzip"));
        JsonNode list = JSON.readTree(TestImages.layout("busybox-multi-docker").resolve("manifest.json").toFile());
        assertThat(list.get("mediaType").asText()).isEqualTo(DOCKER_LIST);
        assertThat(list.get("manifests")).hasSize(2);
    }

    // ------------------------------------------------------------------ registries

    @Test
    void plainRegistryServesWhatSkopeoPushedByteForByte() throws Exception {
        try (RegistryServer registry = RegistryServer.plain(work)) {
            registry.push(TestImages.layout("busybox"), "latest", "test/busybox:latest");
            registry.push(TestImages.layout("busybox-multi"), "latest", "test/multi:latest");
            registry.push(TestImages.layout("busybox-docker"), "latest", "test/docker:latest");
            registry.push(TestImages.layout("busybox-multi-docker"), "latest", "test/docker-multi:latest");

            HttpResponse<byte[]> m = registry.get("/v2/test/busybox/manifests/latest", "Accept", ACCEPT_ALL);
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.headers().firstValue("Content-Type")).hasValue(OCI_MANIFEST);
            assertThat(Digest.sha256(m.body()).toString()).isEqualTo(tagDigest(TestImages.layout("busybox"), "latest"));
            // distribution 2.8 hides OCI manifests from clients that do not accept them
            assertThat(registry.get("/v2/test/busybox/manifests/latest").statusCode()).isEqualTo(404);

            HttpResponse<byte[]> idx = registry.get("/v2/test/multi/manifests/latest", "Accept", ACCEPT_ALL);
            assertThat(idx.headers().firstValue("Content-Type")).hasValue(OCI_INDEX);
            assertThat(Digest.sha256(idx.body()).toString()).isEqualTo(tagDigest(TestImages.layout("busybox-multi"), "latest"));

            HttpResponse<byte[]> d = registry.get("/v2/test/docker/manifests/latest", "Accept", DOCKER_MANIFEST);
            assertThat(d.headers().firstValue("Content-Type")).hasValue(DOCKER_MANIFEST);
            assertThat(d.body()).isEqualTo(Files.readAllBytes(TestImages.layout("busybox-docker").resolve("manifest.json")));
            HttpResponse<byte[]> dl = registry.get("/v2/test/docker-multi/manifests/latest", "Accept", ACCEPT_ALL);
            assertThat(dl.headers().firstValue("Content-Type")).hasValue(DOCKER_LIST);

            String layer = JSON.readTree(m.body()).get("layers").get(3).get("digest").asText();
            HttpResponse<byte[]> b = registry.get("/v2/test/busybox/blobs/" + layer);
            assertThat(b.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(b.body()).toString()).isEqualTo(layer);
        }
    }

    @Test
    void basicAuthRegistryNeedsTheCredentials() throws Exception {
        try (RegistryServer registry = RegistryServer.basicAuth(work, "alice", "s3cret")) {
            registry.push(TestImages.layout("busybox"), "latest", "test/busybox:1");
            HttpResponse<byte[]> anonymous = HTTP.send(HttpRequest.newBuilder(registry.url("/v2/test/busybox/manifests/1"))
                    .header("Accept", ACCEPT_ALL).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
            HttpResponse<byte[]> m = registry.get("/v2/test/busybox/manifests/1", "Accept", ACCEPT_ALL);
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(m.body()).toString()).isEqualTo(tagDigest(TestImages.layout("busybox"), "latest"));
        }
    }

    @Test
    void tokenAuthRegistryRunsTheBearerFlow() throws Exception {
        try (RegistryServer registry = RegistryServer.tokenAuth(work, "bob", "t0ken-pass")) {
            registry.push(TestImages.layout("busybox-multi"), "latest", "test/multi:latest");
            int afterPush = registry.tokenServer().tokenRequests();
            assertThat(afterPush).isPositive();

            HttpResponse<byte[]> anonymous = HTTP.send(HttpRequest.newBuilder(registry.url("/v2/test/multi/manifests/latest"))
                    .header("Accept", ACCEPT_ALL).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElse(""))
                    .startsWith("Bearer realm=\"" + registry.tokenServer().realm() + "\"")
                    .contains("service=\"" + TokenServer.SERVICE + "\"", "scope=\"repository:test/multi:pull\"");

            HttpResponse<byte[]> m = registry.get("/v2/test/multi/manifests/latest", "Accept", ACCEPT_ALL);
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(m.body()).toString()).isEqualTo(tagDigest(TestImages.layout("busybox-multi"), "latest"));
            assertThat(registry.tokenServer().tokenRequests()).isEqualTo(afterPush + 1);
            assertThat(registry.tokenServer().requestedScopes()).contains("repository:test/multi:pull");

            // wrong password: the token server refuses; no credentials: a token without access, which the registry denies
            String realm = registry.tokenServer().realm() + "?service=" + TokenServer.SERVICE + "&scope=repository:test/multi:pull";
            HttpResponse<String> wrong = HTTP.send(HttpRequest.newBuilder(URI.create(realm)).header("Authorization",
                    "Basic " + java.util.Base64.getEncoder().encodeToString("bob:nope".getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            String emptyToken = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(realm)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("token").asText();
            HttpResponse<byte[]> denied = HTTP.send(HttpRequest.newBuilder(registry.url("/v2/test/multi/manifests/latest"))
                    .header("Accept", ACCEPT_ALL).header("Authorization", "Bearer " + emptyToken).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(denied.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void rawPushesStoreExactlyTheGivenBytes() throws Exception {
        try (RegistryServer registry = RegistryServer.plain(work)) {
            byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                    .getBytes(StandardCharsets.UTF_8);
            Digest configDigest = registry.pushBlob("raw/img", config);
            assertThat(configDigest).isEqualTo(Digest.sha256(config));
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                    + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length
                    + "},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
            registry.pushManifest("raw/img", "v1", OCI_MANIFEST, manifest);
            assertThat(registry.get("/v2/raw/img/manifests/v1", "Accept", OCI_MANIFEST).body()).isEqualTo(manifest);
            assertThat(registry.get("/v2/raw/img/blobs/" + configDigest).body()).isEqualTo(config);
        }
    }

    @Test
    void basicAuthRegistryAcceptsRawPushesWithCredentials() {
        try (RegistryServer registry = RegistryServer.basicAuth(work, "alice", "s3cret")) {
            byte[] content = "hello blob".getBytes(StandardCharsets.UTF_8);
            Digest d = registry.pushBlob("raw/b", content);
            assertThat(registry.get("/v2/raw/b/blobs/" + d).body()).isEqualTo(content);
        }
    }

    @Test
    void registryStopsAndCleansUp() {
        RegistryServer registry = RegistryServer.plain(work);
        String address = registry.address();
        registry.close();
        assertThat(work).isEmptyDirectory();
        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + "/v2/")).build(),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(IOException.class);
    }

    @Test
    void toolsRequireFailsLoudlyForAMissingCommand() {
        assertThatThrownBy(() -> Tools.require("skopeo", "jrun-no-such-tool"))
                .isInstanceOf(AssertionError.class).hasMessage("missing jrun-no-such-tool: run scripts/setup.sh");
        Tools.require("skopeo", "docker-registry", "buildah", "zstd", "jq", "htpasswd", "openssl");
    }

    // ------------------------------------------------------------------ fault proxy

    @Test
    void faultProxyInjectsStatusesThenPassesThrough() throws Exception {
        try (RegistryServer registry = RegistryServer.plain(work); FaultProxy proxy = FaultProxy.start(registry)) {
            registry.push(TestImages.layout("busybox"), "latest", "test/busybox:latest");
            URI manifest = URI.create("http://" + proxy.address() + "/v2/test/busybox/manifests/latest");
            proxy.failNext(2, 429);
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(manifest).header("Accept", ACCEPT_ALL).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.headers().firstValue("Retry-After")).hasValue("0");
            }
            HttpResponse<byte[]> ok = HTTP.send(HttpRequest.newBuilder(manifest).header("Accept", ACCEPT_ALL).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(ok.body()).toString()).isEqualTo(tagDigest(TestImages.layout("busybox"), "latest"));
            proxy.failNext(1, 503);
            assertThat(HTTP.send(HttpRequest.newBuilder(manifest).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept", ACCEPT_ALL).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(503);
            HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(manifest).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept", ACCEPT_ALL).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(tagDigest(TestImages.layout("busybox"), "latest"));
            assertThat(proxy.failuresInjected()).isEqualTo(3);
            assertThat(proxy.requests()).hasSize(5);
        }
    }

    @Test
    void faultProxyCutsABlobAndThenServesRanges() throws Exception {
        try (RegistryServer registry = RegistryServer.plain(work); FaultProxy proxy = FaultProxy.start(registry)) {
            registry.push(TestImages.layout("busybox"), "latest", "test/busybox:latest");
            String layer = manifestOfTag(TestImages.layout("busybox"), "latest").get("layers").get(0).get("digest").asText();
            byte[] whole = Files.readAllBytes(blobPath(TestImages.layout("busybox"), layer));
            URI blob = URI.create("http://" + proxy.address() + "/v2/test/busybox/blobs/" + layer);

            proxy.cutBlobAfter(1000);
            byte[] got = new byte[0];
            try (InputStream in = HTTP.send(HttpRequest.newBuilder(blob).build(), HttpResponse.BodyHandlers.ofInputStream()).body()) {
                got = in.readAllBytes();
                throw new AssertionError("the cut blob was read to the end: " + got.length + " bytes");
            } catch (IOException expected) {
                // the connection ended before Content-Length bytes
            }
            assertThat(proxy.cutsDone()).isEqualTo(1);

            HttpResponse<byte[]> rest = HTTP.send(HttpRequest.newBuilder(blob).header("Range", "bytes=1000-").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(rest.statusCode()).isEqualTo(206);
            assertThat(rest.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, 1000, whole.length));
            assertThat(proxy.rangeRequests()).containsExactly("bytes=1000-");
            HttpResponse<byte[]> again = HTTP.send(HttpRequest.newBuilder(blob).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(again.body()).isEqualTo(whole);
        }
    }

    @Test
    void faultProxyRedirectsBlobsToAnotherHostAndSeesLeakedCredentials() throws Exception {
        try (RegistryServer registry = RegistryServer.basicAuth(work, "alice", "s3cret"); FaultProxy proxy = FaultProxy.start(registry)) {
            registry.push(TestImages.layout("busybox"), "latest", "test/busybox:latest");
            String layer = manifestOfTag(TestImages.layout("busybox"), "latest").get("layers").get(3).get("digest").asText();
            String auth = "Basic " + java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
            proxy.redirectBlobs(true);

            HttpResponse<Void> redirect = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + proxy.address()
                    + "/v2/test/busybox/blobs/" + layer)).header("Authorization", auth).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(redirect.statusCode()).isEqualTo(307);
            URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
            assertThat(location.getHost()).isEqualTo("localhost");
            assertThat(location.getAuthority()).isEqualTo(proxy.redirectAddress());

            HttpResponse<byte[]> followed = HTTP.send(HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(followed.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(followed.body()).toString()).isEqualTo(layer);
            assertThat(proxy.redirectedWithAuthorization()).isZero();

            HTTP.send(HttpRequest.newBuilder(location).header("Authorization", auth).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(proxy.redirectedRequests()).isEqualTo(2);
            assertThat(proxy.redirectedWithAuthorization()).isEqualTo(1);

            proxy.redirectBlobs(false);
            HttpResponse<byte[]> direct = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + proxy.address()
                    + "/v2/test/busybox/blobs/" + layer)).header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(direct.statusCode()).isEqualTo(200);
            assertThat(proxy.redirectsSent()).isEqualTo(1);
        }
    }

    @Test
    void faultProxyPassesTheBearerChallengeThrough() throws Exception {
        try (RegistryServer registry = RegistryServer.tokenAuth(work, "bob", "t0ken-pass"); FaultProxy proxy = FaultProxy.start(registry)) {
            registry.push(TestImages.layout("busybox"), "latest", "test/busybox:latest");
            URI manifest = URI.create("http://" + proxy.address() + "/v2/test/busybox/manifests/latest");
            HttpResponse<Void> challenge = HTTP.send(HttpRequest.newBuilder(manifest).header("Accept", ACCEPT_ALL).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(challenge.statusCode()).isEqualTo(401);
            assertThat(challenge.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer realm=\"" + registry.tokenServer().realm());
            String tokenUrl = registry.tokenServer().realm() + "?service=" + TokenServer.SERVICE + "&scope=repository:test/busybox:pull";
            String token = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(tokenUrl)).header("Authorization", "Basic "
                    + java.util.Base64.getEncoder().encodeToString("bob:t0ken-pass".getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("token").asText();
            HttpResponse<byte[]> ok = HTTP.send(HttpRequest.newBuilder(manifest).header("Accept", ACCEPT_ALL)
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(ok.body()).toString()).isEqualTo(tagDigest(TestImages.layout("busybox"), "latest"));
        }
    }

    @Test
    void skopeoPushesThroughTheProxy() throws IOException {
        try (RegistryServer registry = RegistryServer.plain(work); FaultProxy proxy = FaultProxy.start(registry)) {
            Tools.check(List.of("skopeo", "copy", "--quiet", "--all", "--preserve-digests", "--policy", registry.policy().toString(),
                    "--dest-tls-verify=false", "oci:" + TestImages.layout("busybox") + ":latest",
                    "docker://" + proxy.address() + "/via/proxy:latest"), registry.skopeoEnv(), 300);
            assertThat(proxy.requests()).anyMatch(r -> r.startsWith("PUT /v2/via/proxy/manifests/latest"));
            HttpResponse<byte[]> m = registry.get("/v2/via/proxy/manifests/latest", "Accept", ACCEPT_ALL);
            assertThat(Digest.sha256(m.body()).toString()).isEqualTo(tagDigest(TestImages.layout("busybox"), "latest"));
        }
    }

    // ------------------------------------------------------------------ processes left

    @Test
    void aGrandchildLeftBehindIsAProcessLeft() throws Exception {
        Subreaper.begin();
        try {
            grandchildLeftBehind();
        } finally {
            Subreaper.end();
        }
    }

    private static void grandchildLeftBehind() throws Exception {
        // sh starts sleep in the background and exits: the sleep, an orphan, is no child of this JVM's children
        Process sh = new ProcessBuilder("sh", "-c", "sleep 600 </dev/null >/dev/null 2>&1 & echo $!").start();
        long grandchild = Long.parseLong(new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        assertThat(sh.waitFor()).isZero();
        ProcessHandle leaked = ProcessHandle.of(grandchild).orElseThrow();
        try {
            assertThatThrownBy(() -> HostLeftAsItWas.assertNoProcessLeft(1)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("processes left behind").hasMessageContaining(grandchild + " S sleep 600");
        } finally {
            leaked.destroyForcibly();
            if (leaked.parent().map(ProcessHandle::pid).orElse(0L) == ProcessHandle.current().pid()) {
                Processes.wait4(grandchild, 0); // adopted, of this JVM's session: Subreaper leaves it to the test that leaked it
            }
        }
        HostLeftAsItWas.assertNoProcessLeft(1);
    }

    // ------------------------------------------------------------------ helpers

    static Map<String, TarArchiveEntry> entries(InputStream stream) throws IOException {
        Map<String, TarArchiveEntry> result = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(stream)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                result.put(e.getName().startsWith("./") ? e.getName().substring(2) : e.getName(), e);
            }
        }
        return result;
    }
}
