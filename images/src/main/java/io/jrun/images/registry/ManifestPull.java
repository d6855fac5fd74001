package io.jrun.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.images.oci.ContentMismatchException;
import io.jrun.images.oci.Digest;
import io.jrun.images.oci.MediaTypes;
import io.jrun.images.reference.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /v2/NAME/manifests/REFERENCE} with content negotiation. The Accept header lists the
 * OCI index and manifest and Docker's list and schema 2 (a registry answers 404 for OCI content
 * to clients that do not list the OCI types). The media type comes from Content-Type, or the
 * body's {@code mediaType} when the registry sends a generic type. Docker schema 1 is refused.
 * The digest is computed from the body; a digest reference and the Docker-Content-Digest header
 * must agree with it.
 */
final class ManifestPull {
    /** containerd's limit: a manifest or index larger than this is not a manifest. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;
    private static final ObjectMapper JSON = io.jrun.images.oci.OciJson.mapper();

    private ManifestPull() {
    }

    static ManifestResponse pull(RegistryRequest request, RegistryEndpoint endpoint, ImageReference ref, String reference)
            throws IOException {
        Digest pinned = null;
        if (reference.contains(":")) {
            try {
                pinned = Digest.parse(reference);
            } catch (IllegalArgumentException e) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, "invalid manifest digest \"" + reference
                        + "\": expected sha256: followed by 64 lowercase hex characters");
            }
        }
        String shown = ref.name() + (pinned != null ? "@" + reference : ":" + reference);
        HttpResponse<InputStream> response;
        byte[] body;
        for (int attempt = 1; ; attempt++) {
            response = request.get(endpoint, ref, endpoint.manifestUri(reference),
                    Map.of("Accept", String.join(", ", MediaTypes.MANIFEST_ACCEPT)),
                    "manifest " + shown,
                    "manifest for " + shown + " not found in registry " + endpoint.host() + ": check the image name and tag");
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_MANIFEST_BYTES + 1);
                break;
            } catch (IOException e) {
                // the connection broke in the body: manifests are small, ask again
                if (!request.transport().retryPolicy().canRetry(attempt)) {
                    throw Transport.explainFailure(e, endpoint.manifestUri(reference), endpoint.host());
                }
            }
        }
        if (body.length > MAX_MANIFEST_BYTES) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, "manifest " + shown + " from registry "
                    + endpoint.host() + " is larger than " + (MAX_MANIFEST_BYTES >> 20) + " MiB: it is not an image manifest");
        }
        String contentType = response.headers().firstValue("Content-Type").map(ManifestPull::bareMediaType).orElse("");
        JsonNode json = parse(body, shown, endpoint.host());
        if (MediaTypes.isSchema1(contentType) || json.path("schemaVersion").asInt(0) == 1) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "image " + shown
                    + " uses the deprecated Docker schema 1 manifest format, which jrun does not support: re-push it with a current tool");
        }
        String mediaType = mediaType(contentType, json);
        if (mediaType == null) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, "registry " + endpoint.host() + " sent manifest "
                    + shown + " without a recognisable media type (Content-Type \"" + contentType + "\"): report it to the registry's operator");
        }

        Digest actual = pinned != null ? digestOf(body, pinned.algorithm()) : Digest.sha256(body);
        if (pinned != null && !actual.equals(pinned)) {
            throw new ContentMismatchException("manifest " + pinned + " of " + ref.name() + ": content has digest " + actual
                    + " (corrupt or tampered download): retry; if it happens again, the registry's copy is damaged");
        }
        String header = response.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (header != null) {
            Digest announced = null;
            try {
                announced = Digest.parse(header.strip());
            } catch (IllegalArgumentException e) {
                // an unparsable header proves nothing either way; the body's own digest stands
            }
            if (announced != null && announced.algorithm().equals(actual.algorithm()) && !announced.equals(actual)) {
                throw new ContentMismatchException("manifest " + shown + ": registry " + endpoint.host() + " announces digest "
                        + announced + " but the content has digest " + actual + " (corrupt or tampered download): retry; if it happens again, the registry's copy is damaged");
            }
        }
        return new ManifestResponse(body, mediaType, actual);
    }

    /** {@code application/json; charset=utf-8} → {@code application/json}. */
    static String bareMediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static String mediaType(String contentType, JsonNode json) {
        if (MediaTypes.isIndex(contentType) || MediaTypes.isManifest(contentType)) {
            return contentType;
        }
        String declared = json.path("mediaType").asText("");
        if (!declared.isEmpty()) {
            return declared;
        }
        // OCI allows manifests without mediaType; tell them apart by shape
        if (json.path("manifests").isArray()) {
            return MediaTypes.OCI_INDEX;
        }
        if (json.path("config").isObject() && json.path("layers").isArray()) {
            return MediaTypes.OCI_MANIFEST;
        }
        return contentType.isEmpty() || contentType.equals("application/json")
                || contentType.equals("text/plain") || contentType.equals("application/octet-stream") ? null : contentType;
    }

    private static JsonNode parse(byte[] body, String shown, String registry) throws RegistryException {
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.isObject()) {
                return json;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new RegistryException(RegistryException.Kind.PROTOCOL, "registry " + registry + " sent manifest " + shown
                + " that is not a JSON object: report it to the registry's operator");
    }

    private static Digest digestOf(byte[] body, String algorithm) {
        Digest template = new Digest(algorithm, "0".repeat(algorithm.equals("sha512") ? 128 : 64));
        return new Digest(algorithm, HexFormat.of().formatHex(template.newMessageDigest().digest(body)));
    }
}
