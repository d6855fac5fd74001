package io.jrun.runtime.prepare;

import io.jrun.linux.Capabilities;
import io.jrun.runtime.seccomp.SeccompOption;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.jrun.linux.Capabilities.CAP_CHOWN;
import static io.jrun.linux.Capabilities.CAP_NET_ADMIN;
import static io.jrun.linux.Capabilities.CAP_SYS_ADMIN;
import static io.jrun.linux.Capabilities.CAP_SYS_PTRACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.jrun.runtime.prepare.SpecPreparer;
import io.jrun.runtime.prepare.EffectiveConfig;
import io.jrun.runtime.spec.CapabilityNames;

class SecurityOptionsTest {
    private static final long DEFAULTS = CapabilityNames.set(SpecPreparer.DEFAULT_CAPABILITIES);
    /** Every capability of Linux 5.9 and later: CAP_CHECKPOINT_RESTORE (40) is the last. */
    private static final long ALL = (1L << 41) - 1;
    /** What jrun holds: everything. */
    private static final long AVAILABLE = ALL;

    private static SecurityOptions caps(List<String> add, List<String> drop) {
        return new SecurityOptions(false, add, drop, null, List.of());
    }

    private static SecurityOptions unmask(String... patterns) {
        return new SecurityOptions(false, List.of(), List.of(), null, List.of(patterns));
    }

    @Test
    void namesAreTakenWithOrWithoutThePrefixInAnyCase() {
        assertThat(caps(List.of("net_admin", "CAP_SYS_ADMIN", "Sys_Ptrace", "all"), List.of()).capAdd())
                .containsExactly("CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "ALL");
        assertThat(caps(List.of("NET_ADMIN", "net_admin"), List.of()).capAdd()).as("a repeat counts once")
                .containsExactly("CAP_NET_ADMIN");
    }

    @Test
    void unknownNamesAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> caps(List.of("NET_ADMINS"), List.of()))
                .hasMessage("unknown capability 'NET_ADMINS' in --cap-add: use a name from capabilities(7) such as"
                        + " NET_ADMIN or CAP_NET_ADMIN, or ALL");
        assertThatThrownBy(() -> caps(List.of(), List.of("CAP_")))
                .hasMessageStartingWith("unknown capability 'CAP_' in --cap-drop");
        assertThatThrownBy(() -> caps(List.of(), List.of("")))
                .hasMessageStartingWith("unknown capability '' in --cap-drop");
    }

    @Test
    void withoutOptionsTheDefaultsApply() {
        assertThat(SecurityOptions.DEFAULT.capabilities(DEFAULTS, AVAILABLE)).isEqualTo(DEFAULTS);
    }

    @Test
    void addAndDropChangeTheDefaults() {
        long set = caps(List.of("NET_ADMIN", "SYS_PTRACE"), List.of("CHOWN", "setuid")).capabilities(DEFAULTS, AVAILABLE);
        assertThat(set).isEqualTo((DEFAULTS | bit(CAP_NET_ADMIN) | bit(CAP_SYS_PTRACE))
                & ~bit(CAP_CHOWN) & ~bit(Capabilities.CAP_SETUID));
        assertThat(caps(List.of("CHOWN"), List.of()).capabilities(DEFAULTS, AVAILABLE)).as("adding one held already")
                .isEqualTo(DEFAULTS);
    }

    @Test
    void allWorksAsInDocker() {
        assertThat(caps(List.of("ALL"), List.of()).capabilities(DEFAULTS, AVAILABLE)).isEqualTo(ALL);
        assertThat(caps(List.of("ALL"), List.of("SYS_ADMIN")).capabilities(DEFAULTS, AVAILABLE))
                .isEqualTo(ALL & ~bit(CAP_SYS_ADMIN));
        assertThat(caps(List.of(), List.of("ALL")).capabilities(DEFAULTS, AVAILABLE)).isZero();
        assertThat(caps(List.of("CHOWN", "NET_ADMIN"), List.of("ALL")).capabilities(DEFAULTS, AVAILABLE))
                .isEqualTo(bit(CAP_CHOWN) | bit(CAP_NET_ADMIN));
    }

    @Test
    void allIsWhatJrunHolds() {
        long older = (1L << 38) - 1; // a kernel before 5.8: up to CAP_AUDIT_READ
        assertThat(caps(List.of("ALL"), List.of()).capabilities(DEFAULTS, older)).isEqualTo(older);
        assertThatThrownBy(() -> caps(List.of("BPF"), List.of()).capabilities(DEFAULTS, older))
                .hasMessage("capability CAP_BPF is not available: jrun does not hold it (or the kernel does not know it),"
                        + " and a container cannot have more than jrun: leave it out");
        long withoutSysResource = ALL & ~bit(Capabilities.CAP_SYS_RESOURCE);
        assertThat(new SecurityOptions(true, List.of(), List.of(), null, List.of()).capabilities(DEFAULTS, withoutSysResource))
                .isEqualTo(withoutSysResource);
        assertThat(caps(List.of(), List.of("SYS_RESOURCE")).capabilities(DEFAULTS, withoutSysResource))
                .as("dropping one jrun lacks is fine").isEqualTo(DEFAULTS);
        assertThat(SecurityOptions.DEFAULT.capabilities(DEFAULTS, ALL & ~bit(CAP_CHOWN)))
                .as("a default jrun lacks is left out").isEqualTo(DEFAULTS & ~bit(CAP_CHOWN));
    }

    @Test
    void contradictionsAreRefused() {
        assertThatThrownBy(() -> caps(List.of("ALL"), List.of("all")))
                .hasMessage("--cap-add ALL and --cap-drop ALL contradict each other: keep one");
        assertThatThrownBy(() -> caps(List.of("net_admin"), List.of("CAP_NET_ADMIN")))
                .hasMessage("capability CAP_NET_ADMIN is both added and dropped: keep it in one of --cap-add and --cap-drop");
    }

    @Test
    void privilegedHasEveryCapabilityButTheDroppedOnes() {
        SecurityOptions privileged = new SecurityOptions(true, List.of(), List.of(), null, List.of());
        assertThat(privileged.capabilities(DEFAULTS, AVAILABLE)).isEqualTo(ALL);
        assertThat(new SecurityOptions(true, List.of(), List.of("SYS_ADMIN"), null, List.of()).capabilities(DEFAULTS, AVAILABLE))
                .isEqualTo(ALL & ~bit(CAP_SYS_ADMIN));
    }

    @Test
    void privilegedOpensEverythingElse() {
        SecurityOptions privileged = new SecurityOptions(true, List.of(), List.of(), null, List.of());
        assertThat(privileged.hardening()).isEqualTo(new ContainerHardening(false, List.of(), List.of(), true, true));
        assertThat(privileged.seccomp(SeccompOption.DEFAULT)).isEqualTo(SeccompOption.UNCONFINED);
        SeccompOption file = SeccompOption.parse("seccomp=/etc/profile.json");
        assertThat(privileged.seccomp(file)).as("a profile named explicitly still applies").isEqualTo(file);
        assertThat(new SecurityOptions(true, List.of(), List.of(), true, List.of()).hardening().noNewPrivileges())
                .as("asked for explicitly").isTrue();
    }

    @Test
    void theDefaultsAreDockers() {
        assertThat(SecurityOptions.DEFAULT.hardening()).isEqualTo(ContainerHardening.DEFAULT);
        assertThat(SecurityOptions.DEFAULT.seccomp(SeccompOption.DEFAULT)).isEqualTo(SeccompOption.DEFAULT);
        assertThat(new SecurityOptions(false, List.of(), List.of(), false, List.of()).hardening().noNewPrivileges()).isFalse();
    }

    @Test
    void unmaskRemovesPathsByNameOrGlob() {
        ContainerHardening h = unmask("/proc/kcore", "/proc/sys").hardening();
        assertThat(h.maskedPaths()).doesNotContain("/proc/kcore").contains("/proc/keys").hasSize(11);
        assertThat(h.readOnlyPaths()).containsExactly("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sysrq-trigger");
        h = unmask("/proc/*").hardening();
        assertThat(h.maskedPaths()).containsExactly("/sys/firmware", "/sys/devices/virtual/powercap");
        assertThat(h.readOnlyPaths()).isEmpty();
        h = unmask("ALL").hardening();
        assertThat(h.maskedPaths()).isEmpty();
        assertThat(h.readOnlyPaths()).isEmpty();
        assertThat(h.noNewPrivileges()).as("unmask touches nothing else").isTrue();
    }

    @Test
    void unmaskOfAPathThatIsNotMaskedIsRefused() {
        assertThatThrownBy(() -> unmask("/proc/kcor"))
                .hasMessageStartingWith("--security-opt unmask=/proc/kcor matches none of the masked or read-only paths:"
                        + " name one of /proc/asound, ")
                .hasMessageEndingWith("/proc/sysrq-trigger, or ALL");
        assertThatThrownBy(() -> unmask("/proc/[")).hasMessageStartingWith("--security-opt unmask=/proc/[ is not a valid");
    }

    @Test
    void hardeningRefusesPathsOutsideTheKernelFileSystems() {
        assertThatThrownBy(() -> new ContainerHardening(true, List.of("/etc/passwd"), List.of(), false, false))
                .hasMessageContaining("below /proc or /sys");
    }

    private static long bit(int cap) {
        return 1L << cap;
    }
}
