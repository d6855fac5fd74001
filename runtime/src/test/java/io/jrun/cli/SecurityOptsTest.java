package io.jrun.cli;

import io.jrun.runtime.seccomp.SeccompOption;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecurityOptsTest {
    @Test
    void nothingGivenIsTheDefault() {
        SecurityOpts opts = SecurityOpts.parse(List.of());
        assertThat(opts).isEqualTo(new SecurityOpts(SeccompOption.DEFAULT, null, List.of()));
    }

    @Test
    void noNewPrivilegesAsDockerSpellsIt() {
        assertThat(SecurityOpts.parse(List.of("no-new-privileges")).noNewPrivileges()).isTrue();
        assertThat(SecurityOpts.parse(List.of("no-new-privileges=false")).noNewPrivileges()).isFalse();
        assertThat(SecurityOpts.parse(List.of("no-new-privileges:true")).noNewPrivileges()).isTrue();
        assertThat(SecurityOpts.parse(List.of("no-new-privileges=FALSE", "no-new-privileges=true")).noNewPrivileges())
                .as("the last one wins").isTrue();
        assertThatThrownBy(() -> SecurityOpts.parse(List.of("no-new-privileges=maybe")))
                .hasMessage("invalid --security-opt 'no-new-privileges=maybe': use no-new-privileges=true or no-new-privileges=false");
    }

    @Test
    void unmaskTakesColonSeparatedPathsAndAll() {
        assertThat(SecurityOpts.parse(List.of("unmask=/proc/kcore:/proc/keys", "unmask=ALL")).unmask())
                .containsExactly("/proc/kcore", "/proc/keys", "ALL");
        assertThatThrownBy(() -> SecurityOpts.parse(List.of("unmask=proc/kcore")))
                .hasMessage("invalid --security-opt 'unmask=proc/kcore': unmask takes absolute paths separated by ':', or ALL");
        assertThatThrownBy(() -> SecurityOpts.parse(List.of("unmask=")))
                .hasMessageStartingWith("invalid --security-opt 'unmask='");
    }

    @Test
    void seccompIsSeccompOptions() {
        assertThat(SecurityOpts.parse(List.of("seccomp=unconfined")).seccomp()).isEqualTo(SeccompOption.UNCONFINED);
    }

    @Test
    void labelsAndAppArmorProfilesJrunDoesNotApplyCanOnlyBeTurnedOff() {
        assertThat(SecurityOpts.parse(List.of("label=disable", "apparmor=unconfined", "label:disable")))
                .isEqualTo(new SecurityOpts(SeccompOption.DEFAULT, null, List.of()));
        assertThatThrownBy(() -> SecurityOpts.parse(List.of("label=type:spc_t")))
                .hasMessageStartingWith("unsupported --security-opt 'label=type:spc_t': jrun takes seccomp=unconfined,");
        assertThatThrownBy(() -> SecurityOpts.parse(List.of("apparmor=docker-default")))
                .hasMessageStartingWith("unsupported --security-opt 'apparmor=docker-default'");
    }
}
