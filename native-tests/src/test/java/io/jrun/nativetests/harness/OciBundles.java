package io.jrun.nativetests.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * OCI bundles for jrun-oci's tests, made by a third-party tool: {@code umoci unpack} of the
 * busybox test image (umoci 0.4.7 reads only gzip layers, so skopeo recompresses a copy first),
 * which writes runc's default config.json. The tests then change what they test.
 */
public final class OciBundles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path gzipLayout;

    private OciBundles() {
    }

    /** The busybox test image with gzip layers, made once per JVM. */
    private static synchronized Path gzipLayout() throws IOException {
        if (gzipLayout == null) {
            Tools.require("skopeo", "umoci");
            Path dir = Files.createTempDirectory("oci-gzip");
            Tools.check(List.of("skopeo", "copy", "--quiet", "--dest-compress", "--dest-compress-format", "gzip",
                    "oci:" + TestImages.layout("busybox") + ":latest", "oci:" + dir.resolve("busybox") + ":latest"), 300);
            gzipLayout = dir.resolve("busybox");
        }
        return gzipLayout;
    }

    /**
     * {@code umoci unpack} into {@code dir/bundle}, then {@code change} applied to its config.json.
     * The process runs without a terminal unless the change says otherwise.
     */
    public static Path umoci(Path dir, Consumer<ObjectNode> change) throws IOException {
        Path bundle = dir.resolve("bundle");
        Tools.check(List.of("umoci", "unpack", "--image", gzipLayout() + ":latest", bundle.toString()), 300);
        ObjectNode config = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        ((ObjectNode) config.get("process")).put("terminal", false);
        change.accept(config);
        JSON.writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("config.json").toFile(), config);
        return bundle;
    }

    /** Sets process.args. */
    public static void args(ObjectNode config, String... args) {
        ArrayNode a = ((ObjectNode) config.get("process")).putArray("args");
        for (String arg : args) {
            a.add(arg);
        }
    }

    /** Adds a read-write bind mount of the host directory {@code source} at {@code destination}. */
    public static void bind(ObjectNode config, Path source, String destination) {
        ObjectNode m = ((ArrayNode) config.get("mounts")).addObject();
        m.put("destination", destination).put("type", "bind").put("source", source.toString());
        m.putArray("options").add("rbind").add("rw");
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
