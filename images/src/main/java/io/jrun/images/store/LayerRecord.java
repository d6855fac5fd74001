package io.jrun.images.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.Digest;
import io.jrun.images.oci.OciJson;

/**
 * What the store knows of an unpacked layer, kept beside it as layer.json. The layer is keyed
 * by its diff ID (the digest of the uncompressed tar), so the same content fetched with
 * another compression is stored once.
 */
public record LayerRecord(Digest diffId, Digest blobDigest, String mediaType, long blobSize,
                          long entries, long unpackedBytes) {

    ObjectNode toJson() {
        ObjectNode node = io.jrun.images.oci.JsonTrees.object();
        node.put("diffId", diffId.toString());
        node.put("blobDigest", blobDigest.toString());
        node.put("mediaType", mediaType);
        node.put("blobSize", blobSize);
        node.put("entries", entries);
        node.put("unpackedBytes", unpackedBytes);
        return node;
    }

    static LayerRecord fromJson(JsonNode node) {
        return new LayerRecord(Digest.parse(node.get("diffId").asText()), Digest.parse(node.get("blobDigest").asText()),
                node.get("mediaType").asText(), node.get("blobSize").asLong(), node.get("entries").asLong(),
                node.get("unpackedBytes").asLong());
    }
}
