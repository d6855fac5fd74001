package io.jrun.images.oci;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OciValuesTest {
    private static final String HEX = "a".repeat(64);

    @Test
    void digestsAreValidatedSoTheyAreSafeFileNames() {
        assertThat(Digest.parse("sha256:" + HEX)).isEqualTo(new Digest("sha256", HEX));
        assertThat(Digest.parse("sha256:" + HEX).shortHex()).isEqualTo("aaaaaaaaaaaa");
        assertThatThrownBy(() -> Digest.parse("sha256:../../etc")).hasMessageContaining("64 lowercase hex");
        assertThatThrownBy(() -> Digest.parse("md5:" + HEX)).hasMessageContaining("unsupported digest algorithm 'md5'");
        assertThatThrownBy(() -> Digest.parse(HEX)).hasMessageContaining("ALGORITHM:HEX");
        assertThatThrownBy(() -> Digest.parse("sha256:" + HEX.toUpperCase())).isInstanceOf(IllegalArgumentException.class);
        assertThat(Digest.sha256("abc".getBytes(StandardCharsets.UTF_8)).hex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void digestsAreEqualByValue() {
        String hex = "a".repeat(64);
        Digest a = Digest.parse("sha256:" + hex);
        Digest b = new Digest("sha256", hex);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Digest.parse("sha256:" + "b".repeat(64)));
        assertThat(Digest.parse("sha512:" + "a".repeat(128))).isNotEqualTo(Digest.parse("sha512:" + "b".repeat(128)));
        assertThat(a).isNotEqualTo(hex);
        assertThat(java.util.Set.of(a, Digest.parse("sha256:" + "b".repeat(64)))).contains(b);
    }

    @Test
    void platformsParseAndMatchWithOptionalVariants() {
        assertThat(Platform.parse("linux/x86_64")).isEqualTo(new Platform("linux", "amd64", null));
        assertThat(Platform.parse("linux/arm64/v8").toString()).isEqualTo("linux/arm64/v8");
        assertThatThrownBy(() -> Platform.parse("linux")).hasMessageContaining("OS/ARCH[/VARIANT]");
        assertThatThrownBy(() -> Platform.parse("linux//v8")).hasMessageContaining("OS/ARCH[/VARIANT]");
        Platform arm = Platform.parse("linux/arm64/v8");
        assertThat(arm.accepts(new Platform("linux", "arm64", null))).isTrue();
        assertThat(arm.accepts(new Platform("linux", "arm64", "v9"))).isFalse();
        assertThat(Platform.parse("linux/arm64").accepts(new Platform("linux", "arm64", "v8"))).isTrue();
        assertThat(arm.accepts(new Platform("windows", "arm64", null))).isFalse();
        assertThat(Platform.parse("linux/amd64").accepts(new Platform("linux", "x86_64", null))).isTrue();
    }

    @Test
    void indexSelectsTheFirstMatchingPlatform() {
        Descriptor amd = new Descriptor(MediaTypes.OCI_MANIFEST, new Digest("sha256", "1".repeat(64)), 1,
                new Platform("linux", "amd64", null), Map.of());
        Descriptor arm = new Descriptor(MediaTypes.OCI_MANIFEST, new Digest("sha256", "2".repeat(64)), 1,
                new Platform("linux", "arm64", "v8"), Map.of());
        Descriptor attestation = new Descriptor(MediaTypes.OCI_MANIFEST, new Digest("sha256", "3".repeat(64)), 1,
                null, Map.of());
        ImageIndex index = new ImageIndex(MediaTypes.OCI_INDEX, List.of(attestation, amd, arm));
        assertThat(index.select(Platform.parse("linux/arm64"))).contains(arm);
        assertThat(index.select(Platform.parse("linux/amd64"))).contains(amd);
        assertThat(index.select(Platform.parse("linux/s390x"))).isEmpty();
        assertThat(index.platforms()).containsExactly("linux/amd64", "linux/arm64/v8");
    }

    @Test
    void malformedDocumentsNameTheDocumentAndField() {
        assertThatThrownBy(() -> OciJson.parseManifest("{\"schemaVersion\":1}".getBytes(), MediaTypes.OCI_MANIFEST, "m"))
                .isInstanceOf(InvalidContentException.class).hasMessageContaining("m has schemaVersion 1");
        assertThatThrownBy(() -> OciJson.parseManifest("not json".getBytes(), MediaTypes.OCI_MANIFEST, "m"))
                .hasMessageStartingWith("m is not valid JSON");
        String noDigest = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"size\":1},\"layers\":[]}";
        assertThatThrownBy(() -> OciJson.parseManifest(noDigest.getBytes(), MediaTypes.OCI_MANIFEST, "m"))
                .hasMessageContaining("m config needs mediaType, digest and size");
        String badLayerDigest = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"size\":1,\"digest\":\"sha256:" + HEX
                + "\"},\"layers\":[{\"mediaType\":\"x\",\"size\":1,\"digest\":\"sha256:zz\"}]}";
        assertThatThrownBy(() -> OciJson.parseManifest(badLayerDigest.getBytes(), MediaTypes.OCI_MANIFEST, "m"))
                .hasMessageContaining("m layers[0]");
        assertThatThrownBy(() -> OciJson.parseConfig("{\"os\":\"linux\",\"architecture\":\"amd64\"}".getBytes(), "c"))
                .hasMessageContaining("c has no rootfs");
    }

    @Test
    void configKeepsWhatRunNeeds() throws Exception {
        String json = "{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\",\"config\":{\"User\":\"app\","
                + "\"Env\":[\"A=1\"],\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[\"-c\",\"true\"],\"WorkingDir\":\"/srv\","
                + "\"StopSignal\":\"SIGQUIT\",\"Labels\":{\"k\":\"v\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                + HEX + "\"]}}";
        ImageConfig c = OciJson.parseConfig(json.getBytes(), "c");
        assertThat(c.platform()).isEqualTo(new Platform("linux", "arm64", "v8"));
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.env()).containsExactly("A=1");
        assertThat(c.entrypoint()).containsExactly("/bin/sh");
        assertThat(c.cmd()).containsExactly("-c", "true");
        assertThat(c.workingDir()).isEqualTo("/srv");
        assertThat(c.stopSignal()).isEqualTo("SIGQUIT");
        assertThat(c.labels()).containsEntry("k", "v");
        assertThat(c.diffIds()).containsExactly(new Digest("sha256", HEX));
    }
}
