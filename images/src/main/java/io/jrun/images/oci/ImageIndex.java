package io.jrun.images.oci;

import java.util.List;
import java.util.Optional;

/** An OCI image index or a Docker manifest list: one manifest per platform. */
public record ImageIndex(String mediaType, List<Descriptor> manifests) {

    public ImageIndex {
        manifests = List.copyOf(manifests);
    }

    /** The first manifest whose platform the wanted platform accepts, in index order. */
    public Optional<Descriptor> select(Platform wanted) {
        return manifests.stream()
                .filter(d -> d.platform() != null && wanted.accepts(d.platform()))
                .findFirst();
    }

    /** The platforms this index offers, for error messages. */
    public List<String> platforms() {
        return manifests.stream().filter(d -> d.platform() != null)
                .map(d -> d.platform().toString()).distinct().toList();
    }
}
