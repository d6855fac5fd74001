package io.jrun.nativetests.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A registry token server (distribution's {@code auth: token}) on 127.0.0.1: {@code GET /token?service=S&scope=...}
 * with HTTP Basic credentials returns an RS256 JWT granting the requested actions; without credentials a token
 * with no access (so the registry denies); wrong credentials get 401. The JWT header carries the signing
 * certificate in {@code x5c}; the registry trusts it through {@code rootcertbundle = certificate()}.
 * The key and self-signed certificate are made by {@code openssl req -x509} in the work dir.
 */
public final class TokenServer implements AutoCloseable {

    public static final String ISSUER = "jrun-test-token-issuer";
    public static final String SERVICE = "jrun-test-registry";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String user;
    private final String password;
    private final PrivateKey key;
    private final String certDerBase64;
    private final Path certificate;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> scopes = new CopyOnWriteArrayList<>();

    private TokenServer(Path work, String user, String password) throws IOException {
        this.user = user;
        this.password = password;
        Files.createDirectories(work);
        Path keyFile = work.resolve("token-key.pem");
        certificate = work.resolve("token-cert.pem");
        Tools.check(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                "-subj", "/CN=" + ISSUER, "-keyout", keyFile.toString(), "-out", certificate.toString()), 60);
        key = readPkcs8Key(keyFile);
        try (var in = Files.newInputStream(certificate)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            certDerBase64 = Base64.getEncoder().encodeToString(cert.getEncoded());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read the certificate " + certificate, e);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/token", this::handle);
        server.start();
    }

    /** Starts a token server for one user; key and certificate go to {@code work}. */
    public static TokenServer start(Path work, String user, String password) {
        try {
            return new TokenServer(work, user, password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the token server", e);
        }
    }

    /** The realm URL for the registry config and the WWW-Authenticate challenge. */
    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The PEM certificate the registry must trust ({@code rootcertbundle}). */
    public Path certificate() {
        return certificate;
    }

    /** How many token requests arrived (any outcome). */
    public int tokenRequests() {
        return requests.get();
    }

    /** The scopes requested so far, in order (e.g. {@code repository:test/busybox:pull}). */
    public List<String> requestedScopes() {
        return List.copyOf(scopes);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Map<String, List<String>> query = query(exchange.getRequestURI());
            String who = null;
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                if (!decoded.equals(user + ":" + password)) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"" + ISSUER + "\"");
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                who = user;
            }
            List<Map<String, Object>> access = new ArrayList<>();
            for (String scope : query.getOrDefault("scope", List.of())) {
                for (String one : scope.split(" ")) {   // several scopes may share one parameter
                    scopes.add(one);
                    int first = one.indexOf(':');
                    int last = one.lastIndexOf(':');
                    if (who != null && first > 0 && last > first) {
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("type", one.substring(0, first));
                        entry.put("name", one.substring(first + 1, last));
                        entry.put("actions", List.of(one.substring(last + 1).split(",")));
                        access.add(entry);
                    }
                }
            }
            long now = System.currentTimeMillis() / 1000;
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("iss", ISSUER);
            claims.put("sub", who == null ? "" : who);
            claims.put("aud", query.getOrDefault("service", List.of(SERVICE)).getFirst());
            claims.put("exp", now + 300);
            claims.put("nbf", now - 10);
            claims.put("iat", now);
            claims.put("jti", UUID.randomUUID().toString());
            claims.put("access", access);
            String token = sign(claims);
            byte[] body = JSON.writeValueAsBytes(Map.of("token", token, "access_token", token, "expires_in", 300));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private String sign(Map<String, Object> claims) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5c", List.of(certDerBase64));   // distribution 2.8 verifies the chain against rootcertbundle
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(JSON.writeValueAsBytes(header)) + "." + b64.encodeToString(JSON.writeValueAsBytes(claims));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(s.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot sign the token", e);
        }
    }

    private static PrivateKey readPkcs8Key(Path pem) throws IOException {
        String text = Files.readString(pem);
        if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IOException(pem + " is not a PKCS#8 PEM key (openssl 3 writes one by default)");
        }
        String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read the RSA key " + pem, e);
        }
    }

    private static Map<String, List<String>> query(URI uri) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return result;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            result.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return result;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
