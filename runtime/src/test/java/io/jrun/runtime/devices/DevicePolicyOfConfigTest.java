package io.jrun.runtime.devices;

import io.jrun.linux.Bpf;
import io.jrun.runtime.spec.Device;
import io.jrun.runtime.spec.Linux;
import io.jrun.runtime.spec.Resources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OCI configuration's device policy, as crun reads one: linux.resources.devices in order,
 * then the default allow-list; linux.devices nodes get no rule of their own (crun's reading).
 */
class DevicePolicyOfConfigTest {
    private static final int R = Bpf.BPF_DEVCG_ACC_READ, W = Bpf.BPF_DEVCG_ACC_WRITE, M = Bpf.BPF_DEVCG_ACC_MKNOD;

    private static Linux linux(Resources resources, Device... nodes) {
        return Linux.builder().resources(resources).devices(java.util.List.of(nodes)).build();
    }

    @Test
    void podmansDenyAllStillLeavesTheDefaultDevicesAndAllowsWhatTheConfigAllows() {
        Resources resources = Resources.builder()
                .device(new io.jrun.runtime.spec.DeviceRule(false, "a", null, null, "rwm"))
                .device(new io.jrun.runtime.spec.DeviceRule(true, "c", 10L, 229L, "rw"))
                .build();
        DevicePolicy policy = DevicePolicy.of(linux(resources));
        assertThat(policy.allowsAll()).isFalse();
        assertThat(DeviceFilterTest.allows(policy, 'c', 1, 3, R | W)).as("/dev/null, a default").isTrue();
        assertThat(DeviceFilterTest.allows(policy, 'c', 136, 4, R | W)).as("a pseudo-terminal").isTrue();
        assertThat(DeviceFilterTest.allows(policy, 'c', 10, 229, R | W)).as("/dev/fuse, allowed rw").isTrue();
        assertThat(DeviceFilterTest.allows(policy, 'c', 10, 229, M)).as("but not mknod").isFalse();
        assertThat(DeviceFilterTest.allows(policy, 'c', 1, 1, R)).as("/dev/mem").isFalse();
        assertThat(DeviceFilterTest.allows(policy, 'b', 254, 0, R)).as("the host's disk").isFalse();
    }

    @Test
    void aNodeOfLinuxDevicesIsMadeNotAllowedAndAnEmptyConfigDeniesAllButTheDefaults() {
        // as crun: the node's rule says how it may be used (podman's --device PERMS)
        DevicePolicy policy = DevicePolicy.of(linux(null, new Device("b", "/dev/loop9", 7, 9, 0660, 0L, 6L)));
        assertThat(DeviceFilterTest.allows(policy, 'b', 7, 9, R)).isFalse();
        assertThat(DeviceFilterTest.allows(policy, 'c', 5, 0, R | W)).as("/dev/tty").isTrue();
    }

    @Test
    void anAllowAllRuleNeedsNoProgram() {
        Resources privileged = Resources.builder().device(new io.jrun.runtime.spec.DeviceRule(true, "a", null, null, "rwm"))
                .build();
        assertThat(DevicePolicy.of(linux(privileged)).allowsAll()).isTrue();
        assertThat(DevicePolicy.of(linux(privileged)).program()).isEmpty();
    }
}
