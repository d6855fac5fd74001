package io.jrun.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The token step of the distribution auth spec: answers a {@code Bearer} challenge with
 * {@code GET realm?service=…&scope=…}, sending Basic credentials when known, and returns the
 * token from the JSON {@code token} (or OAuth2 {@code access_token}) field.
 */
final class TokenExchange {
    private static final ObjectMapper JSON = io.jrun.images.oci.OciJson.mapper();
    private static final int MAX_TOKEN_RESPONSE = 1 << 20;

    private TokenExchange() {
    }

    /** The token request URL for a Bearer challenge. */
    static URI tokenUri(AuthChallenge challenge, String scope, String registry) throws RegistryException {
        String realm = challenge.parameter("realm").orElse("");
        URI base;
        try {
            base = URI.create(realm);
        } catch (IllegalArgumentException e) {
            base = null;
        }
        if (base == null || base.getScheme() == null || base.getHost() == null
                || !(base.getScheme().equals("https") || base.getScheme().equals("http"))) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, "registry " + registry
                    + " sent a Bearer challenge with an invalid realm \"" + realm + "\": report it to the registry's operator");
        }
        Map<String, String> query = new LinkedHashMap<>();
        challenge.parameter("service").ifPresent(s -> query.put("service", s));
        if (scope != null) {
            query.put("scope", scope);
        }
        StringBuilder url = new StringBuilder(realm);
        char sep = realm.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : query.entrySet()) {
            url.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return URI.create(url.toString());
    }

    /**
     * Fetches a token. Credentials go to a plain-HTTP realm only when the registry itself was
     * declared insecure ({@code registryIsPlainHttp}); anonymous token requests may use HTTP.
     */
    static String fetch(Transport transport, AuthChallenge challenge, String scope, Credentials credentials,
                        String registry, String name, boolean registryIsPlainHttp) throws IOException {
        URI uri = tokenUri(challenge, scope, registry);
        if (uri.getScheme().equals("http") && !registryIsPlainHttp && credentials != null) {
            throw new RegistryException(RegistryException.Kind.INSECURE, "registry " + registry
                    + " sends jrun to a plain-HTTP token service (" + uri.getAuthority()
                    + "), which would expose credentials: fix the registry's auth realm");
        }
        String authorization = credentials == null ? null : credentials.basicAuthorization();
        HttpResponse<InputStream> response = transport.get(uri, Map.of("Accept", "application/json"), authorization, registry);
        int status = response.statusCode();
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_TOKEN_RESPONSE);
        }
        if (status == 401 || status == 403) {
            throw credentials == null
                    ? Responses.authenticationRequired(registry, name)
                    : Responses.credentialsRefused(registry, name);
        }
        if (status != 200) {
            throw new RegistryException(RegistryException.Kind.SERVER, "token service " + uri.getAuthority()
                    + " of registry " + registry + " answered HTTP " + status + Responses.errorDetail(body) + ": retry later");
        }
        try {
            JsonNode json = JSON.readTree(body);
            for (String field : new String[]{"token", "access_token"}) {
                JsonNode token = json == null ? null : json.get(field);
                if (token != null && token.isTextual() && !token.asText().isEmpty()) {
                    return token.asText();
                }
            }
        } catch (IOException e) {
            // fall through to the error below
        }
        throw new RegistryException(RegistryException.Kind.PROTOCOL, "token service " + uri.getAuthority()
                + " of registry " + registry + " returned no token: report it to the registry's operator");
    }
}
