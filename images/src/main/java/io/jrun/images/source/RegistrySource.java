package io.jrun.images.source;

import io.jrun.images.oci.Descriptor;
import io.jrun.images.reference.ImageReference;
import io.jrun.images.registry.ManifestResponse;
import io.jrun.images.registry.RegistryClient;

import java.io.IOException;
import java.io.InputStream;

/** An image in a registry, read through the distribution API. */
public final class RegistrySource implements ImageSource {
    private final RegistryClient client;
    private final ImageReference reference;

    public RegistrySource(RegistryClient client, ImageReference reference) {
        this.client = client;
        this.reference = reference;
    }

    @Override
    public RawManifest topManifest() throws IOException {
        return raw(client.getManifest(reference, reference.manifestReference()));
    }

    @Override
    public RawManifest manifest(Descriptor descriptor) throws IOException {
        return raw(client.getManifest(reference, descriptor.digest().toString()));
    }

    @Override
    public byte[] blob(Descriptor descriptor) throws IOException {
        return client.getBlob(reference, descriptor);
    }

    @Override
    public InputStream openBlob(Descriptor descriptor) throws IOException {
        return client.openBlob(reference, descriptor);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    private static RawManifest raw(ManifestResponse response) {
        return new RawManifest(response.body(), response.mediaType(), response.digest());
    }
}
