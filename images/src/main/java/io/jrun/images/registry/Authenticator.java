package io.jrun.images.registry;

import io.jrun.images.reference.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers 401 challenges and remembers the result for the client's life. Requests go out
 * anonymously first; after a challenge, the Authorization header for that repository is cached
 * (Bearer tokens per host and scope, Basic per host) and sent up front. A cached token that has
 * expired earns a 401, and the caller then asks for a fresh one once. Thread-safe.
 */
final class Authenticator {
    private final Transport transport;
    private final CredentialLookup lookup;
    /** host + " " + repository → Authorization header value. */
    private final Map<String, String> byRepository = new ConcurrentHashMap<>();
    /** host + " " + scope → bearer token. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    /** ref.name() → credentials, looked up at most once. */
    private final Map<String, Optional<Credentials>> credentials = new ConcurrentHashMap<>();

    Authenticator(Transport transport, CredentialLookup lookup) {
        this.transport = transport;
        this.lookup = lookup;
    }

    /** The Authorization header to send up front for this repository, or null. */
    String cached(RegistryEndpoint endpoint) {
        return byRepository.get(endpoint.host() + " " + endpoint.repository());
    }

    boolean hasCredentials(ImageReference ref) throws RegistryException {
        return credentialsFor(ref).isPresent();
    }

    /**
     * Answers the challenge of a 401 {@code response} (whose body this closes) and returns the
     * Authorization header to retry with. {@code stale} is the header that was just refused:
     * its token is dropped from the cache.
     */
    String authenticate(RegistryEndpoint endpoint, ImageReference ref, HttpResponse<InputStream> response, String stale)
            throws IOException {
        Transport.discard(response);
        String registry = endpoint.host();
        Optional<AuthChallenge> challenge = AuthChallenge.preferred(response.headers().allValues("WWW-Authenticate"));
        Optional<Credentials> creds = credentialsFor(ref);
        if (stale != null) {
            tokens.values().removeIf(t -> stale.equals("Bearer " + t));
        }
        if (challenge.isEmpty()) {
            if (creds.isPresent() && stale == null) {
                return remember(endpoint, creds.get().basicAuthorization()); // 401 without a usable challenge: try Basic
            }
            throw creds.isPresent()
                    ? Responses.credentialsRefused(registry, ref.name())
                    : Responses.authenticationRequired(registry, ref.name());
        }
        AuthChallenge c = challenge.get();
        if (c.isBasic()) {
            if (creds.isEmpty()) {
                throw Responses.authenticationRequired(registry, ref.name());
            }
            return remember(endpoint, creds.get().basicAuthorization());
        }
        String scope = c.parameter("scope").filter(s -> !s.isBlank()).orElse(endpoint.pullScope());
        String key = registry + " " + scope;
        String token = tokens.get(key);
        if (token == null) {
            token = TokenExchange.fetch(transport, c, scope, creds.orElse(null), registry, ref.name(), endpoint.plainHttp());
            tokens.put(key, token);
        }
        return remember(endpoint, "Bearer " + token);
    }

    private String remember(RegistryEndpoint endpoint, String authorization) {
        byRepository.put(endpoint.host() + " " + endpoint.repository(), authorization);
        return authorization;
    }

    private Optional<Credentials> credentialsFor(ImageReference ref) throws RegistryException {
        Optional<Credentials> known = credentials.get(ref.name());
        if (known == null) {
            known = lookup.find(ref);
            credentials.put(ref.name(), known);
        }
        return known;
    }
}
