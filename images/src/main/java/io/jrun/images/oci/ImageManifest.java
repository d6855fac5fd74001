package io.jrun.images.oci;

import java.util.List;

/** An OCI image manifest or a Docker schema 2 manifest: a config blob and ordered layers. */
public record ImageManifest(String mediaType, Descriptor config, List<Descriptor> layers) {

    public ImageManifest {
        layers = List.copyOf(layers);
    }
}
