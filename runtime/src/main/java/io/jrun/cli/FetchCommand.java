package io.jrun.cli;

import io.jrun.images.FetchOptions;
import io.jrun.images.Images;
import io.jrun.images.fetch.FetchListener;
import io.jrun.images.source.ImageLocation;
import io.jrun.images.store.ImageRecord;
import io.jrun.linux.Terminals;
import io.jrun.runtime.Pods;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code jrun fetch}: pull an image into the store. */
final class FetchCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private final RegistryFlags registryFlags = new RegistryFlags();
    private String image;
    private boolean quiet;

    FetchCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "fetch",
                "Fetch an image into the local store, verified and unpacked, ready to run.",
                "IMAGE is a registry reference (busybox, host:port/path:tag, name@sha256:…),",
                "oci:PATH[:TAG] (an OCI image layout) or oci-archive:FILE[:TAG].");
        spec.addPositional(Specs.positional("0", "IMAGE", v -> image = v, () -> image)
                .description("The image to fetch.").build());
        registryFlags.addTo(spec);
        spec.addOption(Specs.flag(v -> quiet = v, () -> quiet, "-q", "--quiet")
                .description("Print only the manifest digest.").build());
    }

    @Override
    public Integer call() throws Exception {
        ImageLocation.parse(image); // bad input fails here, before the store is created
        FetchOptions options = registryFlags.fetchOptions();
        Images images = Pods.open(root.dir).images();
        boolean tty = !quiet && Terminals.isTerminal(2);
        try (ProgressDisplay progress = tty ? new ProgressDisplay(System.err, Terminals.columns(2)) : null) {
            FetchListener listener = progress == null ? FetchListener.SILENT : progress;
            ImageRecord record = images.fetch(image, options, listener);
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
