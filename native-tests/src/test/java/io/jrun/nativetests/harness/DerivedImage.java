package io.jrun.nativetests.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An OCI layout derived from a test image with another image config (User, Entrypoint, Env,
 * StopSignal…) and optionally one more layer on top: the layers are the original's (hard
 * links, or copies across file systems), the config, manifest and index are rewritten with
 * correct digests. For run tests that need config fields or files the built images do not have.
 */
public final class DerivedImage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DerivedImage() {
    }

    /** Writes the derived layout to {@code out} (tag "latest") and returns it. */
    public static Path withConfig(Path layout, Path out, Consumer<ObjectNode> editConfig) throws IOException {
        return derive(layout, out, null, editConfig);
    }

    /**
     * As {@link #withConfig}, with {@code tar} (an uncompressed layer tar) as a new top layer:
     * its entries replace the image's.
     */
    public static Path withLayer(Path layout, Path out, byte[] tar, Consumer<ObjectNode> editConfig) throws IOException {
        return derive(layout, out, tar, editConfig);
    }

    private static Path derive(Path layout, Path out, byte[] tar, Consumer<ObjectNode> editConfig) throws IOException {
        Path blobs = Files.createDirectories(out.resolve("blobs/sha256"));
        try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
            for (Path blob : files.toList()) {
                try {
                    Files.createLink(blobs.resolve(blob.getFileName()), blob);
                } catch (java.nio.file.FileSystemException e) {
                    Files.copy(blob, blobs.resolve(blob.getFileName())); // another file system (the VM guest's 9p share)
                }
            }
        }
        Files.copy(layout.resolve("oci-layout"), out.resolve("oci-layout"));
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        String manifestDigest = index.get("manifests").get(0).get("digest").asText();
        ObjectNode manifest = (ObjectNode) JSON.readTree(blob(layout, manifestDigest).toFile());
        ObjectNode config = (ObjectNode) JSON.readTree(blob(layout, manifest.get("config").get("digest").asText()).toFile());
        editConfig.accept((ObjectNode) config.get("config"));
        if (tar != null) {
            String layer = put(blobs, tar);
            ((com.fasterxml.jackson.databind.node.ArrayNode) manifest.get("layers")).addObject()
                    .put("mediaType", "application/vnd.oci.image.layer.v1.tar").put("digest", layer).put("size", tar.length);
            ((com.fasterxml.jackson.databind.node.ArrayNode) config.get("rootfs").get("diff_ids")).add(layer);
        }
        byte[] configBytes = JSON.writeValueAsBytes(config);
        ((ObjectNode) manifest.get("config")).put("digest", put(blobs, configBytes)).put("size", configBytes.length);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        String newManifest = put(blobs, manifestBytes);
        ObjectNode newIndex = JSON.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.index.v1+json");
        newIndex.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", newManifest).put("size", manifestBytes.length)
                .putObject("annotations").put("org.opencontainers.image.ref.name", "latest");
        Files.write(out.resolve("index.json"), JSON.writeValueAsBytes(newIndex));
        return out;
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static String put(Path blobs, byte[] content) throws IOException {
        try {
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            Path target = blobs.resolve(hex);
            if (!Files.exists(target)) {
                Files.write(target, content);
            }
            return "sha256:" + hex;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
