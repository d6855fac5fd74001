package io.jrun.images.registry;

import io.jrun.images.reference.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * One authenticated GET against a repository: sends the cached Authorization (if any), answers
 * one 401 challenge through the {@link Authenticator}, and fails with a clear error if the
 * registry still refuses. Redirects and retries happen below, in {@link Transport}.
 */
final class RegistryRequest {
    private final Transport transport;
    private final Authenticator authenticator;

    RegistryRequest(Transport transport, Authenticator authenticator) {
        this.transport = transport;
        this.authenticator = authenticator;
    }

    Transport transport() {
        return transport;
    }

    /**
     * GETs {@code uri} for {@code ref}. A 2xx response is returned with its body unread; any
     * other final status becomes a RegistryException, with {@code notFound} as the 404 message.
     */
    HttpResponse<InputStream> get(RegistryEndpoint endpoint, ImageReference ref, URI uri, Map<String, String> headers,
                                  String what, String notFound) throws IOException {
        String authorization = authenticator.cached(endpoint);
        boolean answeredChallenge = false;
        while (true) {
            HttpResponse<InputStream> response = transport.get(uri, headers, authorization, endpoint.host());
            int status = response.statusCode();
            if (status == 401 && !answeredChallenge) {
                authorization = authenticator.authenticate(endpoint, ref, response, authorization);
                answeredChallenge = true;
                continue;
            }
            if (status >= 200 && status < 300) {
                return response;
            }
            boolean hadCredentials = status == 401 && authenticator.hasCredentials(ref);
            throw Responses.failure(response, endpoint.host(), ref.name(), hadCredentials, what, notFound);
        }
    }
}
