package io.jrun.images.source;

import io.jrun.images.reference.InvalidReferenceException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageLocationTest {
    @Test
    void registryReferencesAreNormalisedForTheStore() {
        assertThat(ImageLocation.parse("busybox").storeName()).isEqualTo("docker.io/library/busybox:latest");
        assertThat(ImageLocation.parse("docker://busybox").storeName()).isEqualTo("docker.io/library/busybox:latest");
        assertThat(ImageLocation.parse("localhost:5000/a/b:1").storeName()).isEqualTo("localhost:5000/a/b:1");
        assertThatThrownBy(() -> ImageLocation.parse("Busy Box")).isInstanceOf(InvalidReferenceException.class);
    }

    @Test
    void ociLayoutsTakeAnOptionalTagAfterTheLastColon() {
        assertThat(ImageLocation.parse("oci:/srv/app:1.0"))
                .isEqualTo(new ImageLocation.OciLayout(Path.of("/srv/app"), "1.0"));
        assertThat(ImageLocation.parse("oci:/srv/app")).isEqualTo(new ImageLocation.OciLayout(Path.of("/srv/app"), null));
        assertThat(ImageLocation.parse("oci:/srv/a:b/app")).as("a colon inside the path is not a tag")
                .isEqualTo(new ImageLocation.OciLayout(Path.of("/srv/a:b/app"), null));
        assertThat(ImageLocation.parse("oci-archive:/srv/app.tar:latest"))
                .isEqualTo(new ImageLocation.OciArchive(Path.of("/srv/app.tar"), "latest"));
        assertThat(ImageLocation.parse("oci:/srv/app:1.0").storeName()).isEqualTo("oci:/srv/app:1.0");
        assertThatThrownBy(() -> ImageLocation.parse("oci:")).hasMessageContaining("give a path");
    }
}
