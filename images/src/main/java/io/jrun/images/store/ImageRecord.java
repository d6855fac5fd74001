package io.jrun.images.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.Digest;
import io.jrun.images.oci.OciJson;

import java.time.Instant;

/**
 * One name in the store and the image it points to. The image ID is the config digest, as in
 * docker; {@code indexDigest} is set when the name resolved through a multi-platform index.
 */
public record ImageRecord(String name, Digest manifestDigest, Digest indexDigest, Digest configDigest,
                         String platform, long size, Instant fetched) {

    public Digest id() {
        return configDigest;
    }

    ObjectNode toJson() {
        ObjectNode node = io.jrun.images.oci.JsonTrees.object();
        node.put("name", name);
        node.put("manifestDigest", manifestDigest.toString());
        if (indexDigest != null) {
            node.put("indexDigest", indexDigest.toString());
        }
        node.put("configDigest", configDigest.toString());
        node.put("platform", platform);
        node.put("size", size);
        node.put("fetched", fetched.toString());
        return node;
    }

    static ImageRecord fromJson(JsonNode node) {
        JsonNode index = node.get("indexDigest");
        return new ImageRecord(node.get("name").asText(), Digest.parse(node.get("manifestDigest").asText()),
                index == null ? null : Digest.parse(index.asText()), Digest.parse(node.get("configDigest").asText()),
                node.get("platform").asText(), node.get("size").asLong(), Instant.parse(node.get("fetched").asText()));
    }
}
