package io.jrun.nativetests.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.images.oci.Digest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test images of {@code native-tests/images/build-test-images.sh} (see its header for their exact
 * content), built once per script version into {@code native-tests/target/test-images/<hash>}.
 * A build goes to a temporary sibling and is renamed into place, so a half-built dir is never used.
 */
public final class TestImages {

    /** The layouts the script makes. {@code busybox-docker} and {@code busybox-multi-docker} are skopeo dir: copies. */
    public static final Set<String> NAMES = Set.of("busybox", "busybox-docker", "busybox-multi", "busybox-multi-docker");

    private static Path built;
    private static AssertionError failure;   // a failed build is not retried by every test of the JVM

    private TestImages() {
    }

    /** The directory of one test image (building all of them first if needed). */
    public static Path layout(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no test image '" + name + "': known are " + NAMES);
        }
        return root().resolve(name);
    }

    /** The directory holding all test images, built on first use. */
    public static synchronized Path root() {
        if (failure != null) {
            throw new AssertionError("the test images could not be built (see the first failure): " + failure.getMessage());
        }
        if (built == null) {
            try {
                built = build();
            } catch (AssertionError | RuntimeException e) {
                failure = e instanceof AssertionError a ? a : new AssertionError(e.getMessage(), e);
                throw e;
            }
        }
        return built;
    }

    /** The repository root: the surefire property {@code jrun.repo}, else found from the working dir. */
    public static Path repo() {
        String prop = System.getProperty("jrun.repo");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("DEVELOPERS.md")) && Files.isDirectory(p.resolve("native-tests"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the jrun repository from " + Path.of("").toAbsolutePath()
                + ": set -Djrun.repo=PATH");
    }

    private static Path build() {
        Path script = repo().resolve("native-tests/images/build-test-images.sh");
        try {
            String hash = Digest.sha256(Files.readAllBytes(script)).shortHex();
            Path parent = repo().resolve("native-tests/target/test-images");
            Path target = parent.resolve(hash);
            if (Files.isDirectory(target)) {
                return target; // built before (in the VM guest: on the host, which has buildah)
            }
            Tools.require("bash", "buildah", "skopeo", "jq", "zstd", "setfattr", "unshare");
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, ".building-" + hash + "-");
            Path log = parent.resolve(hash + ".log");
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), tmp.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            // the cache key is the script's hash: pin the one input that could change the digests besides it
            pb.environment().put("SOURCE_DATE_EPOCH", "1700000000");
            Process p = pb.start();
            int rc;
            try {
                rc = p.waitFor();
            } catch (InterruptedException e) {
                p.destroy();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted building the test images", e);
            }
            if (rc != 0) {
                Tools.deleteTree(tmp);
                throw new AssertionError("build-test-images.sh failed (exit " + rc + "), log " + log + ":\n" + Tools.tail(log, 30));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException
                     | java.nio.file.DirectoryNotEmptyException e) {
                // another JVM finished first: use its copy
                Tools.deleteTree(tmp);
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the test images", e);
        }
    }

    // ------------------------------------------------------------------ reading a layout

    /** The digest of the manifest (or index) that {@code tag} names in the OCI layout. */
    public static String tagDigest(Path layout, String tag) throws IOException {
        for (JsonNode m : new ObjectMapper().readTree(layout.resolve("index.json").toFile()).get("manifests")) {
            if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                return m.get("digest").asText();
            }
        }
        throw new AssertionError("no tag " + tag + " in " + layout);
    }

    /** The manifest (or index) that {@code tag} names in the OCI layout. */
    public static JsonNode manifestOfTag(Path layout, String tag) throws IOException {
        return new ObjectMapper().readTree(blob(layout, tagDigest(layout, tag)));
    }

    public static Path blobPath(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    /** A blob of the layout, checked against its digest. */
    public static byte[] blob(Path layout, String digest) throws IOException {
        byte[] bytes = Files.readAllBytes(blobPath(layout, digest));
        assertThat(Digest.sha256(bytes).toString()).isEqualTo(digest);
        return bytes;
    }

    /** The diff IDs of a single-platform test image's layers ("latest"), lowest first. */
    public static List<Digest> diffIds(String name) throws IOException {
        Path layout = layout(name);
        JsonNode config = new ObjectMapper().readTree(blob(layout, manifestOfTag(layout, "latest").get("config").get("digest").asText()));
        List<Digest> diffIds = new ArrayList<>();
        config.get("rootfs").get("diff_ids").forEach(d -> diffIds.add(Digest.parse(d.asText())));
        return diffIds;
    }
}
