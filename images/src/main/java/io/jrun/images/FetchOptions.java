package io.jrun.images;

import io.jrun.images.oci.Platform;
import io.jrun.images.registry.RegistryOptions;

/** How to fetch: which platform to pick from an index, and how to talk to registries. */
public record FetchOptions(Platform platform, RegistryOptions registry) {

    public static FetchOptions defaults() {
        return new FetchOptions(Platform.host(), RegistryOptions.defaults());
    }
}
