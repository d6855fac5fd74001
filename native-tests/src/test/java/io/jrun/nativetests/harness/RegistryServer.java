package io.jrun.nativetests.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.images.oci.Digest;

/**
 * Debian's {@code docker-registry} (CNCF distribution 2.8) on 127.0.0.1 with a free port and a temporary
 * storage dir (deletes enabled), optionally behind htpasswd basic auth or token auth ({@link TokenServer}).
 * {@link #close()} stops exactly the process it started (by its handle) and deletes its dir.
 */
public final class RegistryServer implements AutoCloseable {

    public enum Auth { NONE, BASIC, TOKEN }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final Path dir;
    private final Auth auth;
    private final String user;
    private final String password;
    private final TokenServer tokenServer;
    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    private RegistryServer(Path work, Auth auth, String user, String password) throws IOException {
        Tools.require("docker-registry", "skopeo");
        Files.createDirectories(work);
        this.dir = Files.createTempDirectory(work.toAbsolutePath(), "registry-");
        this.auth = auth;
        this.user = user;
        this.password = password;
        this.log = dir.resolve("registry.log");
        TokenServer tokens = null;
        Process started = null;
        int chosen = 0;
        try {
            String authConfig = switch (auth) {
                case NONE -> "";
                case BASIC -> {
                    Tools.require("htpasswd");
                    String line = Tools.check(List.of("htpasswd", "-Bbn", user, password), 30).strip();
                    Files.writeString(dir.resolve("htpasswd"), line + "\n");   // distribution accepts bcrypt only
                    yield "auth:\n  htpasswd:\n    realm: jrun-test\n    path: " + dir.resolve("htpasswd") + "\n";
                }
                case TOKEN -> {
                    tokens = TokenServer.start(dir.resolve("token"), user, password);
                    yield "auth:\n  token:\n    realm: " + tokens.realm() + "\n    service: " + TokenServer.SERVICE
                            + "\n    issuer: " + TokenServer.ISSUER + "\n    rootcertbundle: " + tokens.certificate() + "\n";
                }
            };
            // A free port can be taken between probing and binding: retry a few times.
            for (int attempt = 0; started == null && attempt < 5; attempt++) {
                chosen = freePort();
                Path config = dir.resolve("config.yml");
                Files.writeString(config, """
                        version: 0.1
                        log:
                          level: info
                        storage:
                          filesystem:
                            rootdirectory: %s
                          delete:
                            enabled: true
                          maintenance:
                            uploadpurging:
                              enabled: false
                        http:
                          addr: 127.0.0.1:%d
                          secret: jrun-test-secret
                        %s""".formatted(dir.resolve("storage"), chosen, authConfig));
                Process p = new ProcessBuilder("docker-registry", "serve", config.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
                if (waitUntilServing(p, chosen)) {
                    started = p;
                } else {
                    stop(p);
                }
            }
            if (started == null) {
                throw new AssertionError("docker-registry did not start; log " + log + ":\n" + Tools.tail(log, 30));
            }
        } catch (IOException | RuntimeException | Error e) {
            if (tokens != null) {
                tokens.close();
            }
            Tools.deleteTree(dir);
            throw e;
        }
        this.tokenServer = tokens;
        this.process = started;
        this.port = chosen;
    }

    /** A registry without authentication. */
    public static RegistryServer plain(Path work) {
        return start(work, Auth.NONE, null, null);
    }

    /** A registry with htpasswd (bcrypt) basic authentication for one user. */
    public static RegistryServer basicAuth(Path work, String user, String password) {
        return start(work, Auth.BASIC, user, password);
    }

    /** A registry with bearer token authentication; its {@link TokenServer} knows one user. */
    public static RegistryServer tokenAuth(Path work, String user, String password) {
        return start(work, Auth.TOKEN, user, password);
    }

    private static RegistryServer start(Path work, Auth auth, String user, String password) {
        try {
            return new RegistryServer(work, auth, user, password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start docker-registry", e);
        }
    }

    /** {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Auth auth() {
        return auth;
    }

    /** The token server of a token-auth registry, else null. */
    public TokenServer tokenServer() {
        return tokenServer;
    }

    /** The registry's log file (its tail is in every failure message). */
    public Path log() {
        return log;
    }

    /**
     * Pushes {@code tag} of an image dir to {@code address()/destRepoAndTag} with skopeo, every platform
     * ({@code --all}) and byte for byte ({@code --preserve-digests}). {@code image} is an OCI layout, or a
     * containers-image {@code dir:} copy (then {@code tag} is ignored), as {@link TestImages} makes them.
     */
    public void push(Path image, String tag, String destRepoAndTag) {
        String source = Files.isRegularFile(image.resolve("oci-layout")) ? "oci:" + image + ":" + tag : "dir:" + image;
        List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--all", "--preserve-digests",
                "--policy", policy().toString(), "--dest-tls-verify=false"));
        if (auth != Auth.NONE) {
            cmd.addAll(List.of("--dest-creds", user + ":" + password));
        }
        cmd.addAll(List.of(source, "docker://" + address() + "/" + destRepoAndTag));
        Tools.Result r = Tools.run(cmd, skopeoEnv(), 300);
        if (r.exitCode() != 0) {
            throw new AssertionError("skopeo push of " + source + " failed: " + r.output().strip()
                    + "\nregistry log:\n" + Tools.tail(log, 20));
        }
    }

    /** The environment that keeps skopeo away from the host's containers config and auth files. */
    public Map<String, String> skopeoEnv() {
        try {
            Path registries = dir.resolve("registries.conf");
            if (!Files.exists(registries)) {
                Files.writeString(registries, "unqualified-search-registries = []\n[[registry]]\nlocation = \""
                        + address() + "\"\ninsecure = true\n");
                Files.writeString(dir.resolve("auth.json"), "{\"auths\":{}}\n");
            }
            return Map.of("CONTAINERS_REGISTRIES_CONF", registries.toString(),
                    "REGISTRY_AUTH_FILE", dir.resolve("auth.json").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A signature policy accepting anything (only loopback registries are involved). */
    public Path policy() {
        Path policy = dir.resolve("policy.json");
        try {
            if (!Files.exists(policy)) {
                Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return policy;
    }

    /** Uploads a blob monolithically (POST then PUT ?digest=, per the distribution spec); returns its digest. */
    public Digest pushBlob(String repo, byte[] content) {
        Digest digest = Digest.sha256(content);
        HttpResponse<byte[]> started = send(repo, "push", HttpRequest.newBuilder(url("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(started, 202, "POST blob upload to " + repo);
        String location = started.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("blob upload answered 202 without Location"));
        URI upload = url("/").resolve(location);
        String sep = upload.getRawQuery() == null ? "?" : "&";
        HttpResponse<byte[]> done = send(repo, "push", HttpRequest.newBuilder(URI.create(upload + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
        expect(done, 201, "PUT blob " + digest + " to " + repo);
        return digest;
    }

    /** Puts a manifest (any bytes, any media type) under a tag or digest reference. */
    public void pushManifest(String repo, String tag, String mediaType, byte[] body) {
        HttpResponse<byte[]> r = send(repo, "push", HttpRequest.newBuilder(url("/v2/" + repo + "/manifests/" + tag))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
        expect(r, 201, "PUT manifest " + repo + ":" + tag);
    }

    /**
     * A GET on the registry with the given headers, authenticated as a client would: basic credentials,
     * or the bearer flow (401 challenge, token from the realm with basic credentials, retry).
     */
    public HttpResponse<byte[]> get(String path, String... headers) {
        Matcher m = Pattern.compile("^/v2/(.+)/(manifests|blobs|tags)/").matcher(path);
        String repo = m.find() ? m.group(1) : null;
        HttpRequest.Builder b = HttpRequest.newBuilder(url(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(repo, "pull", b);
    }

    private HttpResponse<byte[]> send(String repo, String action, HttpRequest.Builder request) {
        try {
            HttpRequest.Builder authed = request.copy();
            if (auth == Auth.BASIC) {
                authed.header("Authorization", basic());
            }
            HttpResponse<byte[]> r = http.send(authed.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (auth == Auth.TOKEN && r.statusCode() == 401) {
                String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
                Map<String, String> params = new LinkedHashMap<>();
                Matcher pm = CHALLENGE_PARAM.matcher(challenge);
                while (pm.find()) {
                    params.put(pm.group(1), pm.group(2));
                }
                String scope = params.getOrDefault("scope", repo == null ? "" : "repository:" + repo + ":" + action);
                if (action.equals("push") && repo != null) {
                    scope = "repository:" + repo + ":pull,push";
                }
                URI tokenUri = URI.create(params.get("realm") + "?service=" + enc(params.get("service")) + "&scope=" + enc(scope));
                HttpResponse<byte[]> t = http.send(HttpRequest.newBuilder(tokenUri).header("Authorization", basic()).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                expect(t, 200, "token request " + tokenUri);
                String token = JSON.readTree(t.body()).get("token").asText();
                r = http.send(request.copy().header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("request to the registry at " + address() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    private void expect(HttpResponse<byte[]> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new AssertionError(what + ": HTTP " + r.statusCode() + " (expected " + status + "): "
                    + new String(r.body(), StandardCharsets.UTF_8).strip() + "\nregistry log:\n" + Tools.tail(log, 20));
        }
    }

    /** http://address()/path. */
    public URI url(String path) {
        return URI.create("http://" + address() + path);
    }

    private boolean waitUntilServing(Process p, int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                return false;   // e.g. the port was taken meanwhile: the caller retries with another
            }
            try {
                int code = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (code == 200 || code == 401) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(process);
        if (tokenServer != null) {
            tokenServer.close();
        }
        Tools.deleteTree(dir);
    }

    @Override
    public String toString() {
        return "registry " + address() + " (" + auth + ", pid " + process.pid() + ")";
    }
}
