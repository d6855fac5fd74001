package io.jrun.images.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.airlift.compress.v3.zstd.ZstdOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

class CompressionTest {

    @Test
    void mapsEveryLayerMediaType() {
        assertThat(Compression.forMediaType("application/vnd.oci.image.layer.v1.tar")).isEqualTo(Compression.NONE);
        assertThat(Compression.forMediaType("application/vnd.oci.image.layer.v1.tar+gzip")).isEqualTo(Compression.GZIP);
        assertThat(Compression.forMediaType("application/vnd.oci.image.layer.v1.tar+zstd")).isEqualTo(Compression.ZSTD);
        assertThat(Compression.forMediaType("application/vnd.oci.image.layer.nondistributable.v1.tar")).isEqualTo(Compression.NONE);
        assertThat(Compression.forMediaType("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip")).isEqualTo(Compression.GZIP);
        assertThat(Compression.forMediaType("application/vnd.oci.image.layer.nondistributable.v1.tar+zstd")).isEqualTo(Compression.ZSTD);
        assertThat(Compression.forMediaType("application/vnd.docker.image.rootfs.diff.tar.gzip")).isEqualTo(Compression.GZIP);
        assertThat(Compression.forMediaType("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip")).isEqualTo(Compression.GZIP);
    }

    @Test
    void refusesUnknownMediaTypesInOneLine() {
        assertThatThrownBy(() -> Compression.forMediaType("application/vnd.oci.image.layer.v1.tar+bzip2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unsupported layer media type 'application/vnd.oci.image.layer.v1.tar+bzip2'")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> Compression.forMediaType("application/vnd.oci.image.config.v1+json"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Compression.forMediaType(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] sample(int size) {
        byte[] data = new byte[size];
        Random random = new Random(7);
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (random.nextInt(16) + 'a'); // compressible, not trivial
        }
        return data;
    }

    @Test
    void gzipRoundTripIncludingConcatenatedMembers() throws Exception {
        byte[] first = sample(700_000);
        byte[] second = sample(300_001);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        for (byte[] part : new byte[][] {first, second}) {
            ByteArrayOutputStream member = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(member)) {
                gz.write(part);
            }
            compressed.writeBytes(member.toByteArray());
        }
        try (InputStream in = Compression.GZIP.decompress(new ByteArrayInputStream(compressed.toByteArray()))) {
            byte[] all = in.readAllBytes();
            assertThat(all).hasSize(first.length + second.length).startsWith(first);
        }
    }

    @Test
    void zstdRoundTrip() throws Exception {
        byte[] data = sample(2_500_000);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (ZstdOutputStream zstd = new ZstdOutputStream(compressed)) {
            zstd.write(data);
        }
        assertThat(compressed.size()).isLessThan(data.length);
        try (InputStream in = Compression.ZSTD.decompress(new ByteArrayInputStream(compressed.toByteArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void noneIsTheStreamItself() throws Exception {
        InputStream raw = new ByteArrayInputStream(new byte[] {1, 2, 3});
        assertThat(Compression.NONE.decompress(raw)).isSameAs(raw);
    }
}
