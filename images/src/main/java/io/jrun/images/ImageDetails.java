package io.jrun.images;

import io.jrun.images.oci.ImageConfig;
import io.jrun.images.store.ImageRecord;

import java.nio.file.Path;
import java.util.List;

/** An image in the store with its documents and the unpacked layer directories, lowest first. */
public record ImageDetails(ImageRecord record, byte[] manifest, byte[] config, ImageConfig parsedConfig,
                           List<Path> layerRoots) {
}
