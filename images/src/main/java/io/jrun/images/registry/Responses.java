package io.jrun.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/** Turns registry error responses into one-line {@link RegistryException}s. */
final class Responses {
    private static final ObjectMapper JSON = io.jrun.images.oci.OciJson.mapper();

    private Responses() {
    }

    static RegistryException authenticationRequired(String registry, String name) {
        return new RegistryException(RegistryException.Kind.UNAUTHORIZED, "registry " + registry
                + ": authentication required for " + name
                + " (or the repository does not exist): log in with --creds USER:PASS or an auth.json entry");
    }

    static RegistryException credentialsRefused(String registry, String name) {
        return new RegistryException(RegistryException.Kind.UNAUTHORIZED, "registry " + registry
                + ": credentials were refused for " + name + ": check the user name and password in --creds or auth.json");
    }

    static RegistryException denied(String registry, String name, String detail) {
        return new RegistryException(RegistryException.Kind.DENIED, "registry " + registry + ": access to " + name
                + " denied" + detail + ": use credentials that may pull it (--creds USER:PASS or auth.json)");
    }

    /**
     * The exception for a final non-success response; {@code notFound} is the message for 404.
     * Reads (a bounded part of) the body for the registry's own error code and closes it.
     */
    static RegistryException failure(HttpResponse<InputStream> response, String registry, String name,
                                     boolean hadCredentials, String what, String notFound) {
        byte[] body = readSmall(response);
        String detail = errorDetail(body);
        int status = response.statusCode();
        return switch (status) {
            case 401 -> hadCredentials ? credentialsRefused(registry, name) : authenticationRequired(registry, name);
            case 403 -> denied(registry, name, detail);
            case 404 -> new RegistryException(RegistryException.Kind.NOT_FOUND, notFound);
            case 429 -> new RegistryException(RegistryException.Kind.SERVER, "registry " + registry
                    + " is rate-limiting requests (HTTP 429)" + detail
                    + ": wait and retry, or log in with --creds for a higher limit");
            default -> status >= 500
                    ? new RegistryException(RegistryException.Kind.SERVER, "registry " + registry + " failed with HTTP "
                    + status + " for " + what + detail + ": retry later")
                    : new RegistryException(RegistryException.Kind.PROTOCOL, "registry " + registry + " answered HTTP "
                    + status + " for " + what + detail + ": check the image reference");
        };
    }

    static byte[] readSmall(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return in.readNBytes(65536);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** " (CODE: message)" from a distribution error body, or "". */
    static String errorDetail(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                JsonNode first = errors.get(0);
                String code = first.path("code").asText("");
                String message = first.path("message").asText("");
                String text = code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message;
                text = text.replaceAll("[\\r\\n]+", " ").strip();
                if (text.length() > 200) {
                    text = text.substring(0, 200) + "…";
                }
                return text.isEmpty() ? "" : " (" + text + ")";
            }
        } catch (IOException | RuntimeException e) {
            // not a distribution error body
        }
        return "";
    }
}
