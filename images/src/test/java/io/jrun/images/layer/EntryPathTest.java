package io.jrun.images.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EntryPathTest {

    private static EntryPath parse(String name) throws UnsafeLayerException {
        return EntryPath.parse(name, name, "path");
    }

    @Test
    void normalisesDotSlashRepeatedAndTrailingSlashes() throws Exception {
        assertThat(parse("./usr/bin/ls")).isEqualTo(new EntryPath("usr/bin", "ls"));
        assertThat(parse("usr//lib/./x/")).isEqualTo(new EntryPath("usr/lib", "x"));
        assertThat(parse("etc")).isEqualTo(new EntryPath("", "etc"));
        assertThat(parse("./")).isEqualTo(new EntryPath("", ""));
        assertThat(parse(".")).matches(EntryPath::isRoot);
        assertThat(parse("a/..b/c..")).isEqualTo(new EntryPath("a/..b", "c.."));
    }

    @Test
    void refusesAbsoluteDotDotAndNul() {
        assertThatThrownBy(() -> parse("/etc/passwd")).isInstanceOf(UnsafeLayerException.class)
                .hasMessage("layer entry '/etc/passwd': path '/etc/passwd' is absolute; layer paths must be relative");
        assertThatThrownBy(() -> parse("../escape")).isInstanceOf(UnsafeLayerException.class)
                .hasMessageContaining("'..' component");
        assertThatThrownBy(() -> parse("a/b/../../..")).isInstanceOf(UnsafeLayerException.class);
        assertThatThrownBy(() -> parse("a/b/..")).isInstanceOf(UnsafeLayerException.class);
        assertThatThrownBy(() -> parse("a\0b")).isInstanceOf(UnsafeLayerException.class)
                .hasMessage("layer entry 'a\\0b': path contains a NUL byte");
    }

    @Test
    void refusesAWhiteoutUsedAsADirectory() {
        assertThatThrownBy(() -> parse("a/.wh..wh..opq/x")).isInstanceOf(UnsafeLayerException.class)
                .hasMessageContaining("used as a directory");
        assertThatThrownBy(() -> parse(".wh.a/x")).isInstanceOf(UnsafeLayerException.class);
    }
}
