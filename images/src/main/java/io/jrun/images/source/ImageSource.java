package io.jrun.images.source;

import io.jrun.images.oci.Descriptor;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where an image comes from: a registry, an OCI layout directory or an OCI archive. Every
 * method returns verified content: {@link #openBlob} streams check size and digest when they
 * reach their end and throw instead of ending on bad content.
 */
public interface ImageSource extends AutoCloseable {

    /** The manifest or index the location names (its tag or digest). */
    RawManifest topManifest() throws IOException;

    /** A manifest an index points to. */
    RawManifest manifest(Descriptor descriptor) throws IOException;

    /** A small blob (a config), read whole and verified. */
    byte[] blob(Descriptor descriptor) throws IOException;

    /** A large blob (a layer), verified when read to its end. */
    InputStream openBlob(Descriptor descriptor) throws IOException;

    /** How many blobs may stream at once (a tar archive reads one entry at a time). */
    default int maxParallelBlobs() {
        return 4;
    }

    @Override
    void close() throws IOException;
}
