package io.jrun.runtime.spec;

import io.jrun.linux.Capabilities;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import io.jrun.runtime.prepare.SpecPreparer;
import io.jrun.runtime.prepare.EffectiveConfig;

class CapabilityNamesTest {
    @Test
    void namesAndNumbersRoundTrip() {
        assertThat(CapabilityNames.number("CAP_SYS_ADMIN")).isEqualTo(Capabilities.CAP_SYS_ADMIN);
        assertThat(CapabilityNames.name(Capabilities.CAP_CHECKPOINT_RESTORE)).isEqualTo("CAP_CHECKPOINT_RESTORE");
        assertThat(CapabilityNames.name(62)).as("a number no name is known for").isEqualTo("CAP_62");
        for (int cap = 0; cap <= Capabilities.CAP_CHECKPOINT_RESTORE; cap++) {
            assertThat(CapabilityNames.number(CapabilityNames.name(cap))).isEqualTo(cap);
        }
    }

    @Test
    void setsListTheirNamesByNumber() {
        List<String> names = CapabilityNames.names(CapabilityNames.set(SpecPreparer.DEFAULT_CAPABILITIES));
        assertThat(names).containsExactly("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
                "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_SETFCAP");
        assertThat(CapabilityNames.set(names)).isEqualTo(CapabilityNames.set(SpecPreparer.DEFAULT_CAPABILITIES));
        assertThat(CapabilityNames.names(0)).isEmpty();
    }

    @Test
    void canonicalSpellings() {
        assertThat(CapabilityNames.canonical(" sys_time ", "--cap-add")).isEqualTo("CAP_SYS_TIME");
        assertThat(CapabilityNames.canonical("All", "--cap-add")).isEqualTo("ALL");
        assertThat(CapabilityNames.canonical("cap_bpf", "--cap-add")).isEqualTo("CAP_BPF");
    }
}
