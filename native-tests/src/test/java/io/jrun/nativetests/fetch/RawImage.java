package io.jrun.nativetests.fetch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.Digest;
import io.jrun.nativetests.harness.RegistryServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * Builds images byte by byte and pushes them over the registry API: for content no real tool
 * would make (hostile layers, lying digests) and for sizes the busybox images don't have.
 */
final class RawImage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<byte[]> tars = new ArrayList<>();
    private final List<Digest> diffIdOverrides = new ArrayList<>();

    /** Adds a gzip layer whose tar {@code entries} writes. */
    RawImage layer(Consumer<TarArchiveOutputStream> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            entries.accept(tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tars.add(bytes.toByteArray());
        diffIdOverrides.add(null);
        return this;
    }

    /** Makes the config claim {@code diffId} for the last layer, whatever its content. */
    RawImage lyingDiffId(Digest diffId) {
        diffIdOverrides.set(diffIdOverrides.size() - 1, diffId);
        return this;
    }

    static void file(TarArchiveOutputStream tar, String name, byte[] content) {
        TarArchiveEntry e = new TarArchiveEntry(name, true); // keep a leading '/': tests need hostile names
        e.setSize(content.length);
        e.setMode(0644);
        put(tar, e, content);
    }

    static void entry(TarArchiveOutputStream tar, String name, byte type, String linkName) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        if (linkName != null) {
            e.setLinkName(linkName);
        }
        e.setMode(type == TarArchiveEntry.LF_DIR ? 0755 : 0777);
        put(tar, e, new byte[0]);
    }

    private static void put(TarArchiveOutputStream tar, TarArchiveEntry e, byte[] content) {
        try {
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Pushes layers, config and manifest; returns the manifest digest. */
    Digest push(RegistryServer registry, String repo, String tag) throws IOException {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        ArrayNode layers = manifest.putArray("layers");
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", io.jrun.images.oci.Platform.host().architecture());
        config.put("os", "linux");
        config.putObject("config").putArray("Cmd").add("/bin/sh");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        for (int i = 0; i < tars.size(); i++) {
            byte[] tar = tars.get(i);
            byte[] gz = gzip(tar);
            Digest blob = registry.pushBlob(repo, gz);
            ObjectNode d = layers.addObject();
            d.put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip");
            d.put("digest", blob.toString());
            d.put("size", gz.length);
            Digest diffId = diffIdOverrides.get(i) != null ? diffIdOverrides.get(i) : Digest.sha256(tar);
            diffIds.add(diffId.toString());
        }
        byte[] configBytes = JSON.writeValueAsBytes(config);
        Digest configDigest = registry.pushBlob(repo, configBytes);
        ObjectNode c = manifest.putObject("config");
        c.put("mediaType", "application/vnd.oci.image.config.v1+json");
        c.put("digest", configDigest.toString());
        c.put("size", configBytes.length);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        registry.pushManifest(repo, tag, "application/vnd.oci.image.manifest.v1+json", manifestBytes);
        return Digest.sha256(manifestBytes);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
