package io.jrun.runtime.launch;

import io.jrun.runtime.launch.KernelCompat.OverlayMountMethod;
import io.jrun.runtime.launch.KernelCompat.ProcMountMethod;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KernelCompatTest {
    @Test
    void unsetOrEmptyIsAuto() {
        assertThat(KernelCompat.fromEnvironment(Map.of())).isEqualTo(KernelCompat.AUTO);
        assertThat(KernelCompat.fromEnvironment(Map.of("JRUN_PROC_MOUNT", "", "JRUN_OVERLAY_MOUNT", "")))
                .isEqualTo(new KernelCompat(ProcMountMethod.AUTO, OverlayMountMethod.AUTO));
    }

    @Test
    void everyDocumentedValueIsTaken() {
        assertThat(KernelCompat.fromEnvironment(Map.of("JRUN_PROC_MOUNT", "helper", "JRUN_OVERLAY_MOUNT", "legacy")))
                .isEqualTo(new KernelCompat(ProcMountMethod.HELPER, OverlayMountMethod.LEGACY));
        assertThat(KernelCompat.fromEnvironment(Map.of("JRUN_PROC_MOUNT", "fsconfig", "JRUN_OVERLAY_MOUNT", "lowerdir+")))
                .isEqualTo(new KernelCompat(ProcMountMethod.FSCONFIG, OverlayMountMethod.LOWERDIR_PLUS));
        assertThat(KernelCompat.fromEnvironment(Map.of("JRUN_PROC_MOUNT", "auto", "JRUN_OVERLAY_MOUNT", "auto")))
                .isEqualTo(KernelCompat.AUTO);
    }

    @Test
    void anythingElseIsOneLineNamingTheValidValues() {
        assertThatThrownBy(() -> KernelCompat.fromEnvironment(Map.of("JRUN_PROC_MOUNT", "Helper")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JRUN_PROC_MOUNT=Helper is not valid: use auto, fsconfig, helper, or unset it");
        assertThatThrownBy(() -> KernelCompat.fromEnvironment(Map.of("JRUN_OVERLAY_MOUNT", "lowerdir")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JRUN_OVERLAY_MOUNT=lowerdir is not valid: use auto, lowerdir+, legacy, or unset it");
    }
}
