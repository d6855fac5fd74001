package io.jrun.images.source;

import io.jrun.images.reference.ImageReference;

import java.nio.file.Path;

/**
 * What the user named on the command line: a registry reference (optionally spelled
 * {@code docker://REF}), an OCI layout directory ({@code oci:PATH[:TAG]}) or an OCI archive
 * ({@code oci-archive:FILE[:TAG]}), as in containers-transports(5).
 */
public sealed interface ImageLocation {

    /** The name the store records the image under. */
    String storeName();

    record Registry(ImageReference reference) implements ImageLocation {
        @Override
        public String storeName() {
            return reference.toString();
        }
    }

    /** {@code tag} is null when the user gave none: the layout's only image is taken. */
    record OciLayout(Path directory, String tag) implements ImageLocation {
        @Override
        public String storeName() {
            return "oci:" + directory + (tag == null ? "" : ":" + tag);
        }
    }

    record OciArchive(Path file, String tag) implements ImageLocation {
        @Override
        public String storeName() {
            return "oci-archive:" + file + (tag == null ? "" : ":" + tag);
        }
    }

    static ImageLocation parse(String text) {
        if (text.startsWith("oci:")) {
            PathAndTag pt = PathAndTag.split(text.substring(4), "oci");
            return new OciLayout(pt.path(), pt.tag());
        }
        if (text.startsWith("oci-archive:")) {
            PathAndTag pt = PathAndTag.split(text.substring(12), "oci-archive");
            return new OciArchive(pt.path(), pt.tag());
        }
        String ref = text.startsWith("docker://") ? text.substring(9) : text;
        return new Registry(ImageReference.parse(ref));
    }

    /** Splits PATH[:TAG]; the tag is what follows the last ':' when it holds no '/'. */
    record PathAndTag(Path path, String tag) {
        static PathAndTag split(String text, String transport) {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("invalid image location '" + transport
                        + ":': give a path, e.g. " + transport + ":/srv/images/app:latest");
            }
            int colon = text.lastIndexOf(':');
            String path = text;
            String tag = null;
            if (colon >= 0 && text.indexOf('/', colon) < 0) {
                path = text.substring(0, colon);
                tag = text.substring(colon + 1);
                if (tag.isEmpty()) {
                    tag = null;
                }
            }
            return new PathAndTag(Path.of(path).toAbsolutePath().normalize(), tag);
        }
    }
}
