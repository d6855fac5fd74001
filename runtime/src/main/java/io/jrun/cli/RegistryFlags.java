package io.jrun.cli;

import io.jrun.images.FetchOptions;
import io.jrun.images.oci.Platform;
import io.jrun.images.registry.Credentials;
import io.jrun.images.registry.RegistryOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;

/** The options of commands that may fetch an image: {@code fetch}, and {@code run} when the image is missing. */
final class RegistryFlags {
    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Platform to pick from a multi-platform image (default: this host's).")
    String platform;

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "Talk plain HTTP to this registry (repeatable). Loopback registries need it too.")
    List<String> insecureRegistries = List.of();

    @Option(names = "--creds", paramLabel = "USER:PASS",
            description = "Credentials for the registry (default: from auth.json or ~/.docker/config.json).")
    String creds;

    @Option(names = "--authfile", paramLabel = "FILE",
            description = "Read credentials from this auth.json only.")
    Path authFile;

    FetchOptions fetchOptions() {
        Platform wanted = platform == null ? Platform.host() : Platform.parse(platform);
        RegistryOptions registry = RegistryOptions.defaults()
                .withInsecureRegistries(new LinkedHashSet<>(insecureRegistries))
                .withCredentials(creds == null ? null : Credentials.parse(creds))
                .withAuthFile(authFile);
        return new FetchOptions(wanted, registry);
    }
}
