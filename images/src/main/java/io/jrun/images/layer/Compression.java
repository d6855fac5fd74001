package io.jrun.images.layer;

import io.airlift.compress.v3.zstd.ZstdInputStream;
import io.jrun.images.oci.MediaTypes;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** How a layer blob is compressed, from its media type. */
public enum Compression {
    NONE, GZIP, ZSTD;

    private static final int GZIP_BUFFER = 1 << 17;

    /**
     * The compression of an OCI or Docker layer media type (nondistributable and foreign
     * layers included); IllegalArgumentException for anything else.
     */
    public static Compression forMediaType(String mediaType) {
        if (mediaType != null) {
            switch (mediaType) {
                case MediaTypes.OCI_LAYER, MediaTypes.OCI_LAYER_NONDIST,
                     "application/vnd.docker.image.rootfs.diff.tar" -> {
                    return NONE;
                }
                case MediaTypes.OCI_LAYER_GZIP, MediaTypes.OCI_LAYER_NONDIST_GZIP,
                     MediaTypes.DOCKER_LAYER_GZIP, MediaTypes.DOCKER_LAYER_FOREIGN_GZIP -> {
                    return GZIP;
                }
                case MediaTypes.OCI_LAYER_ZSTD, MediaTypes.OCI_LAYER_NONDIST_ZSTD -> {
                    return ZSTD;
                }
                default -> {
                }
            }
        }
        throw new IllegalArgumentException("unsupported layer media type '" + mediaType
                + "': jrun reads tar layers, uncompressed or compressed with gzip or zstd");
    }

    /**
     * Wraps {@code in} to decompress it. GZIP reads concatenated members (as pigz and some
     * registries produce) through the JDK's zlib; ZSTD uses aircompressor's pure Java
     * decoder, because commons-compress's zstd needs the native zstd-jni. Closing the
     * returned stream closes {@code in}.
     */
    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, GZIP_BUFFER);
            case ZSTD -> new ZstdInputStream(in);
        };
    }
}
