package io.jrun.cli;

import io.jrun.images.FetchOptions;
import io.jrun.images.oci.Platform;
import io.jrun.images.registry.Credentials;
import io.jrun.images.registry.RegistryOptions;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;

/** The options of commands that may fetch an image: {@code fetch}, and {@code run} when the image is missing. */
final class RegistryFlags {
    private String platform;
    private List<String> insecureRegistries = List.of();
    private String creds;
    private String authFile;

    void addTo(CommandSpec spec) {
        spec.addOption(Specs.option(String.class, "OS/ARCH[/VARIANT]", v -> platform = v, () -> platform, "--platform")
                .description("Platform to pick from a multi-platform image (default: this host's).").build());
        spec.addOption(Specs.repeatable("HOST[:PORT]", v -> insecureRegistries = v, () -> insecureRegistries,
                "--insecure-registry")
                .description("Talk plain HTTP to this registry (repeatable). Loopback registries need it too.").build());
        spec.addOption(Specs.option(String.class, "USER:PASS", v -> creds = v, () -> creds, "--creds")
                .description("Credentials for the registry (default: from auth.json or ~/.docker/config.json).").build());
        spec.addOption(Specs.option(String.class, "FILE", v -> authFile = v, () -> authFile, "--authfile")
                .description("Read credentials from this auth.json only.").build());
    }

    FetchOptions fetchOptions() {
        Platform wanted = platform == null ? Platform.host() : Platform.parse(platform);
        RegistryOptions registry = RegistryOptions.defaults()
                .withInsecureRegistries(new LinkedHashSet<>(insecureRegistries))
                .withCredentials(creds == null ? null : Credentials.parse(creds))
                .withAuthFile(authFile == null ? null : Path.of(authFile));
        return new FetchOptions(wanted, registry);
    }
}
