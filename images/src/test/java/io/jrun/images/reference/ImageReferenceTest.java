package io.jrun.images.reference;

import io.jrun.images.oci.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest {
    private static final String HEX = "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
            "busybox, docker.io/library/busybox:latest",
            "busybox:1.36, docker.io/library/busybox:1.36",
            "user/app, docker.io/user/app:latest",
            "docker.io/busybox, docker.io/library/busybox:latest",
            "index.docker.io/library/busybox:musl, docker.io/library/busybox:musl",
            "registry-1.docker.io/user/app:v1, docker.io/user/app:v1",
            "quay.io/coreos/etcd:v3.5.0, quay.io/coreos/etcd:v3.5.0",
            "localhost/app, localhost/app:latest",
            "localhost:5000/app:dev, localhost:5000/app:dev",
            "127.0.0.1:5000/a/b/c:1.0, 127.0.0.1:5000/a/b/c:1.0",
            "ghcr.io/o_r/p.q-r__s:T_ag-1.x, ghcr.io/o_r/p.q-r__s:T_ag-1.x",
            "a--b/c, docker.io/a--b/c:latest",
            "[::1]:5000/app, [::1]:5000/app:latest",
            "Registry.Example.com/app, Registry.Example.com/app:latest",
    })
    void normalises(String input, String canonical) {
        assertThat(ImageReference.parse(input).toString()).isEqualTo(canonical);
        // canonical forms are fixed points
        assertThat(ImageReference.parse(canonical).toString()).isEqualTo(canonical);
    }

    @Test
    void splitsIntoParts() {
        ImageReference ref = ImageReference.parse("localhost:5000/team/app:v2");
        assertThat(ref.registry()).isEqualTo("localhost:5000");
        assertThat(ref.repository()).isEqualTo("team/app");
        assertThat(ref.tag()).isEqualTo("v2");
        assertThat(ref.digest()).isNull();
        assertThat(ref.name()).isEqualTo("localhost:5000/team/app");
        assertThat(ref.apiHost()).isEqualTo("localhost:5000");
        assertThat(ref.manifestReference()).isEqualTo("v2");
    }

    @Test
    void dockerHubApiHost() {
        ImageReference ref = ImageReference.parse("busybox");
        assertThat(ref.registry()).isEqualTo("docker.io");
        assertThat(ref.repository()).isEqualTo("library/busybox");
        assertThat(ref.apiHost()).isEqualTo("registry-1.docker.io");
    }

    @Test
    void digestOnlyHasNoDefaultTag() {
        ImageReference ref = ImageReference.parse("busybox@sha256:" + HEX);
        assertThat(ref.tag()).isNull();
        assertThat(ref.digest()).isEqualTo(new Digest("sha256", HEX));
        assertThat(ref.manifestReference()).isEqualTo("sha256:" + HEX);
        assertThat(ref.toString()).isEqualTo("docker.io/library/busybox@sha256:" + HEX);
    }

    @Test
    void tagAndDigestKeepsBothAndDigestWins() {
        ImageReference ref = ImageReference.parse("localhost:5000/app:1.0@sha256:" + HEX);
        assertThat(ref.tag()).isEqualTo("1.0");
        assertThat(ref.manifestReference()).isEqualTo("sha256:" + HEX);
        assertThat(ref.toString()).isEqualTo("localhost:5000/app:1.0@sha256:" + HEX);
    }

    @Test
    void withDigestPinsTheReference() {
        Digest d = new Digest("sha256", "b".repeat(64));
        ImageReference pinned = ImageReference.parse("busybox").withDigest(d);
        assertThat(pinned.toString()).isEqualTo("docker.io/library/busybox:latest@sha256:" + "b".repeat(64));
        assertThat(pinned.manifestReference()).isEqualTo(d.toString());
    }

    @Test
    void portWithoutPathIsATagOnDockerHub() {
        // as in docker: "localhost:5000" alone is the image "localhost" with tag "5000"
        assertThat(ImageReference.parse("localhost:5000").toString()).isEqualTo("docker.io/library/localhost:5000");
    }

    @Test
    void uppercaseRepositoryIsRejectedClearly() {
        assertThatThrownBy(() -> ImageReference.parse("Busybox"))
                .isInstanceOf(InvalidReferenceException.class)
                .hasMessage("invalid image reference \"Busybox\": repository names must be lowercase");
        assertThatThrownBy(() -> ImageReference.parse("quay.io/Org/app"))
                .hasMessageContaining("must be lowercase");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|the reference is empty",
            "' busybox'|whitespace",
            ":tag|repository name is missing",
            "busybox:|invalid tag",
            "busybox:-x|invalid tag",
            "busybox:.x|invalid tag",
            "busybox:a+b|invalid tag",
            "busybox@sha256:abc|bad digest",
            "busybox@md5:" + "0123456789abcdef0123456789abcdef|bad digest",
            "busybox@|bad digest",
            "a//b|empty path component",
            "a/b/|empty path component",
            "quay.io/|repository name is missing after the registry",
            "a_-b|invalid repository name component",
            "-app|invalid repository name component",
            "app.|invalid repository name component",
            "a___b|invalid repository name component",
            "exa_mple.com:x/app|invalid registry",
            "-bad.com/app|invalid registry",
    })
    void rejects(String input, String problem) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(InvalidReferenceException.class)
                .hasMessageStartingWith("invalid image reference \"" + input + "\": ")
                .hasMessageContaining(problem)
                .hasMessageNotContaining("\n");
    }

    @Test
    void tagMayBe128Characters() {
        String tag = "t".repeat(128);
        assertThat(ImageReference.parse("app:" + tag).tag()).isEqualTo(tag);
        assertThatThrownBy(() -> ImageReference.parse("app:" + tag + "x")).hasMessageContaining("invalid tag");
    }

    @Test
    void nameIsLimitedTo255Characters() {
        String name = "quay.io/" + "a".repeat(247); // 255
        assertThat(ImageReference.parse(name).repository()).hasSize(247);
        assertThatThrownBy(() -> ImageReference.parse(name + "a")).hasMessageContaining("longer than 255");
    }

    @Test
    void nullIsRejected() {
        assertThatThrownBy(() -> ImageReference.parse(null)).isInstanceOf(InvalidReferenceException.class);
    }
}
