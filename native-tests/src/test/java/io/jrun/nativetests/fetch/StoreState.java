package io.jrun.nativetests.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads a jrun state directory the way docs/layout.md describes it, for assertions. */
public record StoreState(Path stateDir) {

    public Path images() {
        return stateDir.resolve("images");
    }

    public List<String> names() throws IOException {
        Path file = images().resolve("names.json");
        List<String> names = new ArrayList<>();
        if (Files.exists(file)) {
            for (JsonNode n : new ObjectMapper().readTree(file.toFile()).path("images")) {
                names.add(n.get("name").asText());
            }
        }
        return names;
    }

    public List<Path> layerDirs() throws IOException {
        return list(images().resolve("layers/sha256"));
    }

    public List<Path> blobs() throws IOException {
        return list(images().resolve("blobs/sha256"));
    }

    /** Entries of tmp/ other than lock files. */
    public List<Path> workAreas() throws IOException {
        return list(images().resolve("tmp")).stream()
                .filter(p -> !p.getFileName().toString().endsWith(".lock")).toList();
    }

    public Path layerRootContaining(String relativePath) throws IOException {
        for (Path layer : layerDirs()) {
            Path candidate = layer.resolve("rootfs").resolve(relativePath);
            if (Files.exists(candidate, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return layer.resolve("rootfs");
            }
        }
        throw new AssertionError("no layer in " + stateDir + " has " + relativePath);
    }

    /**
     * The invariants of docs/layout.md: every layer under its final name is complete (has its
     * layer.json), every name's manifest and config blob exists, and each blob's name is the
     * sha256 of its content.
     */
    public void assertConsistent() throws IOException {
        for (Path layer : layerDirs()) {
            assertThat(layer.resolve("layer.json")).as("layer %s is complete", layer).isRegularFile();
            assertThat(layer.resolve("rootfs")).isDirectory();
        }
        for (Path blob : blobs()) {
            assertThat(io.jrun.images.oci.Digest.sha256(Files.readAllBytes(blob)).hex())
                    .as("blob %s content matches its name", blob).isEqualTo(blob.getFileName().toString());
        }
        Path file = images().resolve("names.json");
        if (Files.exists(file)) {
            for (JsonNode n : new ObjectMapper().readTree(file.toFile()).path("images")) {
                for (String field : List.of("manifestDigest", "configDigest")) {
                    String hex = n.get(field).asText().substring("sha256:".length());
                    assertThat(images().resolve("blobs/sha256").resolve(hex)).as("%s of %s", field, n.get("name"))
                            .isRegularFile();
                }
            }
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
