package io.jrun.runtime.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The OCI-shaped records: defaults as the spec reads unset fields, and what they refuse. */
class DeviceRulesTest {
    @Test
    void unsetFieldsMeanWhatTheOciSpecSays() {
        DeviceRule rule = new DeviceRule(false, null, null, null, null);
        assertThat(rule).isEqualTo(new DeviceRule(false, "a", null, null, "rwm"));
        assertThat(rule.toString()).isEqualTo("deny a *:* rwm");
        assertThat(DeviceRule.allow("c", 136L, null, "rw").toString()).isEqualTo("allow c 136:* rw");
        assertThat(rule.coversEverything()).isTrue();
        assertThat(new DeviceRule(true, null, null, null, "mr").coversEverything()).isFalse();
    }

    @Test
    void badRulesAreRefused() {
        assertThatThrownBy(() -> DeviceRule.allow("x", null, null, "rwm")).hasMessage(
                "device rule type 'x': use a (any), b (block) or c (character)");
        assertThatThrownBy(() -> DeviceRule.allow("c", 1L, 3L, "")).hasMessageContaining("use r, w and m");
        assertThatThrownBy(() -> DeviceRule.allow("c", 1L, 3L, "rx")).hasMessageContaining("use r, w and m");
        assertThatThrownBy(() -> DeviceRule.allow("c", -1L, 3L, "r")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> DeviceRule.allow("c", 1L, 0x100000000L, "r")).hasMessageContaining("out of range");
    }

    @Test
    void nodesGoBelowDevAndOutsideItsOwnMounts() {
        assertThat(new DeviceNode("/dev/net/tun", "c", 10, 200, 0666, 0, 0).pathInDev()).isEqualTo("net/tun");
        for (String path : List.of("/disk", "/dev", "/dev/", "dev/x", "/dev/../x", "/dev//x", "/dev/./x", "/dev/pts/9",
                "/dev/shm/x", "/dev/mqueue", "/dev/.jrun-gate")) {
            assertThatThrownBy(() -> new DeviceNode(path, "c", 1, 3, 0666, 0, 0)).as(path)
                    .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("\n");
        }
        assertThatThrownBy(() -> new DeviceNode("/dev/x", "p", 1, 3, 0666, 0, 0)).hasMessageContaining("use c (character) or b");
        assertThatThrownBy(() -> new DeviceNode("/dev/x", "c", 4096, 3, 0666, 0, 0)).hasMessageContaining("not a device number");
        assertThatThrownBy(() -> new DeviceNode("/dev/x", "c", 1, 3, 020666, 0, 0)).hasMessageContaining("permission bits");
    }

    @Test
    void twoNodesAtOnePathAreRefused() {
        DeviceNode fuse = new DeviceNode("/dev/fuse", "c", 10, 229, 0600, 0, 0);
        assertThatThrownBy(() -> DevicePolicy.DEFAULT.withDevice(fuse, "rw").withDevice(fuse, "r"))
                .hasMessage("two device nodes at /dev/fuse: give each its own path");
        DevicePolicy p = DevicePolicy.DEFAULT.withDevice(fuse, "rw");
        assertThat(p.nodes()).containsExactly(fuse);
        assertThat(p.rules().getLast()).isEqualTo(DeviceRule.allow("c", 10L, 229L, "rw"));
        assertThat(p.rules()).hasSize(DevicePolicy.DEFAULT_RULES.size() + 1);
    }
}
