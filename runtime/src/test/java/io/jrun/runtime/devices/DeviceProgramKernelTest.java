package io.jrun.runtime.devices;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrun.linux.Bpf;
import io.jrun.linux.Fd;
import io.jrun.runtime.spec.DeviceRule;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The generated programs through the kernel's verifier (root): it accepts every shape of rule
 * the generator emits. That they are obeyed is shown by the native tests, with real opens from
 * inside containers.
 */
class DeviceProgramKernelTest {
    @Test
    void theVerifierAcceptsEveryShapeOfRule() throws Exception {
        DeviceRule allowAll = DeviceRule.allow("a", null, null, "rwm");
        List<List<DeviceRule>> lists = List.of(
                DevicePolicy.DEFAULT_RULES,
                List.of(),
                List.of(allowAll, new DeviceRule(false, "c", 1L, 3L, "w"), new DeviceRule(false, "b", null, null, "rwm")),
                List.of(DeviceRule.allow("a", 1L, null, "rw"), new DeviceRule(false, "c", null, 3L, "r"),
                        DeviceRule.allow("b", 0xffffffffL, 0x80000000L, "m")));
        for (List<DeviceRule> rules : lists) {
            DeviceProgram program = new DevicePolicy(rules).program().orElseThrow();
            try (Fd loaded = Bpf.loadCgroupDeviceProgram(program.encoded(), "Apache-2.0", "jrun_test")) {
                assertThat(Bpf.programId(loaded.value())).as(rules.toString()).isPositive();
            }
        }
    }
}
