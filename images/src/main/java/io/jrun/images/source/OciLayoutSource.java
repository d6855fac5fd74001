package io.jrun.images.source;

import io.jrun.images.oci.Descriptor;
import io.jrun.images.oci.Digest;
import io.jrun.images.oci.DigestingInputStream;
import io.jrun.images.oci.ImageIndex;
import io.jrun.images.oci.VerifyingInputStream;
import io.jrun.images.oci.InvalidContentException;
import io.jrun.images.oci.MediaTypes;
import io.jrun.images.oci.OciJson;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An OCI image layout (image-layout.md), read from a directory or from a tar archive of one.
 * The tag selects an entry of index.json by its {@code org.opencontainers.image.ref.name}
 * annotation; without a tag the layout must hold exactly one image.
 */
public final class OciLayoutSource implements ImageSource {
    private static final String REF_NAME = "org.opencontainers.image.ref.name";

    /** Reads files of the layout by their path relative to its root. */
    private interface LayoutFiles extends AutoCloseable {
        InputStream open(String path) throws IOException;

        @Override
        void close() throws IOException;
    }

    private final String location;
    private final String tag;
    private final LayoutFiles files;
    private final int maxParallelBlobs;

    private OciLayoutSource(String location, String tag, LayoutFiles files, int maxParallelBlobs) {
        this.location = location;
        this.tag = tag;
        this.files = files;
        this.maxParallelBlobs = maxParallelBlobs;
    }

    @Override
    public int maxParallelBlobs() {
        return maxParallelBlobs;
    }

    public static OciLayoutSource directory(Path dir, String tag) throws IOException {
        if (!Files.isRegularFile(dir.resolve("oci-layout"))) {
            throw new NoSuchFileException(dir.toString(), null,
                    "not an OCI image layout (no oci-layout file): give the directory that holds index.json");
        }
        return new OciLayoutSource("oci:" + dir, tag, new LayoutFiles() {
            @Override
            public InputStream open(String path) throws IOException {
                Path file = dir.resolve(path).normalize();
                if (!file.startsWith(dir)) {
                    throw new InvalidContentException("OCI layout path '" + path + "' leaves " + dir);
                }
                return Files.newInputStream(file);
            }

            @Override
            public void close() {
            }
        }, 4);
    }

    public static OciLayoutSource archive(Path file, String tag) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such OCI archive");
        }
        TarFile tar;
        try {
            tar = new TarFile(file);
        } catch (IOException e) {
            throw new InvalidContentException("oci-archive:" + file + " is not a tar archive: " + e.getMessage());
        }
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        for (TarArchiveEntry entry : tar.getEntries()) {
            String name = entry.getName();
            while (name.startsWith("./")) {
                name = name.substring(2);
            }
            if (entry.isFile()) {
                entries.put(name, entry);
            }
        }
        return new OciLayoutSource("oci-archive:" + file, tag, new LayoutFiles() {
            @Override
            public InputStream open(String path) throws IOException {
                TarArchiveEntry entry = entries.get(path);
                if (entry == null) {
                    throw new NoSuchFileException("oci-archive:" + file + ": " + path);
                }
                return tar.getInputStream(entry);
            }

            @Override
            public void close() throws IOException {
                tar.close();
            }
        }, 1);
    }

    @Override
    public RawManifest topManifest() throws IOException {
        byte[] indexJson;
        try (InputStream in = files.open("index.json")) {
            indexJson = in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new InvalidContentException(location + " has no index.json: it is not an OCI image layout");
        }
        ImageIndex index = OciJson.parseIndex(indexJson, MediaTypes.OCI_INDEX, location + " index.json");
        List<Descriptor> candidates = index.manifests().stream()
                .filter(d -> tag == null || tag.equals(d.annotations().get(REF_NAME)))
                .toList();
        if (candidates.isEmpty()) {
            throw new InvalidContentException(location + " has no image tagged '" + tag + "': its tags are "
                    + index.manifests().stream().map(d -> d.annotations().getOrDefault(REF_NAME, "(untagged)")).toList());
        }
        if (candidates.size() > 1) {
            throw new InvalidContentException(location + " holds " + candidates.size()
                    + " images: name one with " + location + ":TAG");
        }
        return manifest(candidates.getFirst());
    }

    @Override
    public RawManifest manifest(Descriptor descriptor) throws IOException {
        byte[] body = blob(descriptor);
        String mediaType = descriptor.mediaType();
        String declared = OciJson.declaredMediaType(body);
        if (declared != null && !declared.equals(mediaType)) {
            throw new InvalidContentException(location + ": manifest " + descriptor.digest() + " declares media type "
                    + declared + " but index.json says " + mediaType);
        }
        return new RawManifest(body, mediaType, descriptor.digest());
    }

    @Override
    public byte[] blob(Descriptor descriptor) throws IOException {
        try (DigestingInputStream in = new DigestingInputStream(openRaw(descriptor.digest()), descriptor.digest().algorithm())) {
            byte[] body = in.readAllBytes();
            in.verify(descriptor.digest(), descriptor.size(), location + " blob");
            return body;
        }
    }

    @Override
    public InputStream openBlob(Descriptor descriptor) throws IOException {
        return new VerifyingInputStream(openRaw(descriptor.digest()), descriptor);
    }

    private InputStream openRaw(Digest digest) throws IOException {
        try {
            return files.open("blobs/" + digest.algorithm() + "/" + digest.hex());
        } catch (NoSuchFileException e) {
            throw new InvalidContentException(location + " lacks blob " + digest + ": the layout is incomplete");
        }
    }

    @Override
    public void close() throws IOException {
        files.close();
    }
}
