package io.jrun.runtime.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrun.runtime.spec.DeviceRule;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The configuration's device rules as the policy reads them, and where --device may put a node. */
class DeviceRulesTest {
    @Test
    void unsetFieldsMeanWhatTheOciSpecSays() {
        DeviceRule rule = new DeviceRule(false, null, null, null, null);
        assertThat(rule).isEqualTo(new DeviceRule(false, "a", null, null, "rwm"));
        assertThat(rule.toString()).isEqualTo("deny a *:* rwm");
        assertThat(DeviceRule.allow("c", 136L, null, "rw").toString()).isEqualTo("allow c 136:* rw");
        assertThat(DeviceFilter.coversEverything(rule)).isTrue();
        assertThat(DeviceFilter.coversEverything(new DeviceRule(true, null, null, null, "mr"))).isFalse();
    }

    @Test
    void badRulesAreRefused() {
        assertThatThrownBy(() -> DeviceRule.allow("x", null, null, "rwm")).hasMessage(
                "a device rule's type must be a, c or b, not \"x\"");
        assertThatThrownBy(() -> DeviceRule.allow("c", 1L, 3L, "rx")).hasMessageContaining("made of r, w and m");
        assertThatThrownBy(() -> DeviceRule.allow("c", -1L, 3L, "r")).hasMessageContaining("must be 0 to 4294967295");
        assertThatThrownBy(() -> DeviceRule.allow("c", 1L, 0x100000000L, "r")).hasMessageContaining("must be 0 to 4294967295");
    }

    @Test
    void deviceNodesGoBelowDevAndOutsideItsOwnMounts() {
        DeviceMapping.checkContainerPath("/dev/net/tun");
        for (String path : List.of("/disk", "/dev", "/dev/", "dev/x", "/dev/../x", "/dev//x", "/dev/./x", "/dev/pts/9",
                "/dev/shm/x", "/dev/mqueue", "/dev/.jrun-gate")) {
            assertThatThrownBy(() -> DeviceMapping.checkContainerPath(path)).as(path)
                    .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("\n");
        }
    }
}
