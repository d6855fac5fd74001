package io.jrun.images.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses manifests, indexes and configs with explicit validation, so a malformed document
 * gets an error that names the document and the field instead of a Jackson stack trace.
 */
public final class OciJson {
    /** Built on first use only: an ObjectMapper costs a cold JVM a few hundred milliseconds. */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper();
    }

    private OciJson() {
    }

    public static ObjectMapper mapper() {
        return Mapper.INSTANCE;
    }

    /** The media type a document declares in its body, or null. */
    public static String declaredMediaType(byte[] body) throws InvalidContentException {
        JsonNode mt = parse(body, "manifest").get("mediaType");
        return mt != null && mt.isTextual() ? mt.asText() : null;
    }

    public static ImageIndex parseIndex(byte[] body, String mediaType, String what) throws InvalidContentException {
        JsonNode root = parse(body, what);
        requireSchemaVersion2(root, what);
        JsonNode manifests = root.get("manifests");
        if (manifests == null || !manifests.isArray()) {
            throw new InvalidContentException(what + " has no \"manifests\" array");
        }
        List<Descriptor> descriptors = new ArrayList<>();
        int i = 0;
        for (JsonNode node : manifests) {
            descriptors.add(descriptor(node, what + " manifests[" + i++ + "]"));
        }
        return new ImageIndex(mediaType, descriptors);
    }

    public static ImageManifest parseManifest(byte[] body, String mediaType, String what) throws InvalidContentException {
        JsonNode root = parse(body, what);
        requireSchemaVersion2(root, what);
        JsonNode config = root.get("config");
        if (config == null || !config.isObject()) {
            throw new InvalidContentException(what + " has no \"config\" descriptor");
        }
        JsonNode layers = root.get("layers");
        if (layers == null || !layers.isArray()) {
            throw new InvalidContentException(what + " has no \"layers\" array");
        }
        List<Descriptor> layerDescriptors = new ArrayList<>();
        int i = 0;
        for (JsonNode node : layers) {
            layerDescriptors.add(descriptor(node, what + " layers[" + i++ + "]"));
        }
        return new ImageManifest(mediaType, descriptor(config, what + " config"), layerDescriptors);
    }

    public static ImageConfig parseConfig(byte[] body, String what) throws InvalidContentException {
        JsonNode root = parse(body, what);
        String os = text(root, "os");
        String arch = text(root, "architecture");
        if (os == null || arch == null) {
            throw new InvalidContentException(what + " lacks \"os\" or \"architecture\"");
        }
        JsonNode rootfs = root.get("rootfs");
        if (rootfs == null || !rootfs.isObject() || !"layers".equals(text(rootfs, "type"))) {
            throw new InvalidContentException(what + " has no rootfs of type \"layers\"");
        }
        List<Digest> diffIds = new ArrayList<>();
        JsonNode ids = rootfs.get("diff_ids");
        if (ids == null || !ids.isArray()) {
            throw new InvalidContentException(what + " has no rootfs.diff_ids array");
        }
        for (JsonNode id : ids) {
            diffIds.add(digest(id.asText(), what + " rootfs.diff_ids"));
        }
        JsonNode c = root.path("config");
        Map<String, String> labels = new LinkedHashMap<>();
        c.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new ImageConfig(new Platform(os, arch, text(root, "variant")), text(root, "created"),
                text(c, "User"), strings(c.get("Env")), strings(c.get("Entrypoint")), strings(c.get("Cmd")),
                text(c, "WorkingDir"), text(c, "StopSignal"), labels, diffIds);
    }

    private static JsonNode parse(byte[] body, String what) throws InvalidContentException {
        try {
            JsonNode root = JsonTrees.read(body);
            if (root == null || !root.isObject()) {
                throw new InvalidContentException(what + " is not a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new InvalidContentException(what + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidContentException(what + " could not be read: " + e.getMessage());
        }
    }

    private static void requireSchemaVersion2(JsonNode root, String what) throws InvalidContentException {
        JsonNode v = root.get("schemaVersion");
        if (v == null || v.asInt() != 2) {
            throw new InvalidContentException(what + " has schemaVersion " + (v == null ? "(none)" : v.asText())
                    + ", jrun reads schemaVersion 2 (OCI, Docker schema 2)");
        }
    }

    private static Descriptor descriptor(JsonNode node, String what) throws InvalidContentException {
        String mediaType = text(node, "mediaType");
        String digest = text(node, "digest");
        JsonNode size = node.get("size");
        if (mediaType == null || digest == null || size == null || !size.canConvertToLong()) {
            throw new InvalidContentException(what + " needs mediaType, digest and size");
        }
        if (size.asLong() < 0) {
            throw new InvalidContentException(what + " has a negative size");
        }
        Platform platform = null;
        JsonNode p = node.get("platform");
        if (p != null && p.isObject() && text(p, "os") != null && text(p, "architecture") != null) {
            platform = new Platform(text(p, "os"), text(p, "architecture"), text(p, "variant"));
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        node.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
        return new Descriptor(mediaType, digest(digest, what), size.asLong(), platform, annotations);
    }

    private static Digest digest(String text, String what) throws InvalidContentException {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidContentException(what + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }

    private static List<String> strings(JsonNode node) {
        if (node == null || !node.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }
}
