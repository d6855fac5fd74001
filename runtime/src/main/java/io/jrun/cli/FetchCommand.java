package io.jrun.cli;

import io.jrun.images.FetchOptions;
import io.jrun.images.Images;
import io.jrun.images.fetch.FetchListener;
import io.jrun.images.oci.Platform;
import io.jrun.images.registry.Credentials;
import io.jrun.images.registry.RegistryOptions;
import io.jrun.images.source.ImageLocation;
import io.jrun.images.store.ImageRecord;
import io.jrun.images.store.ImageUsage;
import io.jrun.linux.Terminals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jrun fetch}: pull an image into the store. */
@Command(name = "fetch", description = {
        "Fetch an image into the local store, verified and unpacked, ready to run.",
        "IMAGE is a registry reference (busybox, host:port/path:tag, name@sha256:…),",
        "oci:PATH[:TAG] (an OCI image layout) or oci-archive:FILE[:TAG]."},
        mixinStandardHelpOptions = true)
final class FetchCommand implements Callable<Integer> {

    @ParentCommand
    JrunCommand root;

    @Parameters(paramLabel = "IMAGE", description = "The image to fetch.")
    String image;

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

    @Option(names = {"-q", "--quiet"}, description = "Print only the manifest digest.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        ImageLocation.parse(image); // bad input fails here, before the store is created
        Platform wanted = platform == null ? Platform.host() : Platform.parse(platform);
        RegistryOptions registry = RegistryOptions.defaults()
                .withInsecureRegistries(new LinkedHashSet<>(insecureRegistries))
                .withCredentials(creds == null ? null : Credentials.parse(creds))
                .withAuthFile(authFile);
        Images images = Images.open(root.dir, ImageUsage.NONE);
        boolean tty = !quiet && Terminals.isTerminal(2);
        try (ProgressDisplay progress = tty ? new ProgressDisplay(System.err, Terminals.columns(2)) : null) {
            FetchListener listener = progress == null ? FetchListener.SILENT : progress;
            ImageRecord record = images.fetch(image, new FetchOptions(wanted, registry), listener);
            if (progress != null) {
                progress.finish();
            }
            if (quiet) {
                System.out.println(record.manifestDigest());
            } else {
                System.out.println("Fetched " + record.name() + " " + record.manifestDigest()
                        + " (" + record.platform() + ", " + Sizes.human(record.size()) + ")");
            }
        }
        return 0;
    }
}
