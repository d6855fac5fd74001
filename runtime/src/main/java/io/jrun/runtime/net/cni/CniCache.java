package io.jrun.runtime.net.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.JsonTrees;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * libcni's result cache, in its format ({@code cniCacheV1}), so podman, cnitool and jrun read
 * each other's: one file per attachment, {@code DIR/NETWORK-CONTAINERID-IFNAME}, holding the
 * network's configuration list as it was used, the capability arguments (port mappings) and
 * the ADD result. DEL takes its {@code prevResult} from here, and the file goes once DEL has run.
 */
public final class CniCache {
    /** libcni's default. */
    public static final Path DEFAULT_DIR = Path.of("/var/lib/cni");

    private final Path results;

    /** The cache under {@code dir} (libcni's cacheDir: the files are in its results/). */
    public CniCache(Path dir) {
        this.results = dir.resolve("results");
    }

    /**
     * One cached attachment. {@code hostNetns} is jrun's own addition, which libcni ignores: the
     * network namespace the plugins ran in ({@code net:[INODE]}), whose iptables rules hold the
     * attachment's published ports; null in an entry another runtime wrote.
     */
    public record Entry(String network, String containerId, String ifName, byte[] config, ObjectNode capabilityArgs,
                        ObjectNode result, String hostNetns) {
    }

    /** The network namespace this process runs in, as {@code net:[INODE]}; null if it cannot be read. */
    public static String ownNetns() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    Path file(String network, String containerId, String ifName) {
        return results.resolve(network + "-" + containerId + "-" + ifName);
    }

    void write(Entry e) throws IOException {
        ObjectNode n = JsonTrees.object();
        n.put("kind", "cniCacheV1");
        n.put("containerId", e.containerId());
        n.put("config", Base64.getEncoder().encodeToString(e.config()));
        n.put("ifName", e.ifName());
        n.put("networkName", e.network());
        n.set("capabilityArgs", e.capabilityArgs());
        n.set("result", e.result());
        if (e.hostNetns() != null) {
            n.put("jrunHostNetns", e.hostNetns());
        }
        Files.createDirectories(results);
        Path target = file(e.network(), e.containerId(), e.ifName());
        Path temp = results.resolve("." + target.getFileName() + ".tmp");
        Files.write(temp, JsonTrees.write(n, false));
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The attachment's cache entry; empty when there is none or it cannot be read. */
    public Optional<Entry> read(String network, String containerId, String ifName) throws IOException {
        return read(file(network, containerId, ifName));
    }

    private static Optional<Entry> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            JsonNode n = JsonTrees.read(bytes);
            return Optional.of(new Entry(n.path("networkName").asText(), n.path("containerId").asText(),
                    n.path("ifName").asText(), Base64.getDecoder().decode(n.path("config").asText("")),
                    n.get("capabilityArgs") instanceof ObjectNode o ? o : JsonTrees.object(),
                    n.get("result") instanceof ObjectNode r ? r : null,
                    n.hasNonNull("jrunHostNetns") ? n.get("jrunHostNetns").asText() : null));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a torn or foreign file: DEL goes on without a prevResult
        }
    }

    void delete(String network, String containerId, String ifName) throws IOException {
        Files.deleteIfExists(file(network, containerId, ifName));
    }

    /** Every entry: the attachments there are now, of any network (for the host ports they hold). */
    public List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(results)) {
            for (Path f : files) {
                if (!f.getFileName().toString().startsWith(".")) {
                    read(f).ifPresent(out::add);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return out;
    }
}
