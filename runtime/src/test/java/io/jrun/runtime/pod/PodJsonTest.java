package io.jrun.runtime.pod;

import io.jrun.runtime.spec.CapabilityNames;
import io.jrun.runtime.prepare.ContainerHardening;
import io.jrun.runtime.prepare.SpecPreparer;
import io.jrun.runtime.prepare.EffectiveConfig;
import io.jrun.runtime.spec.CapabilityNames;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PodJsonTest {
    private static PodManifest manifest(PodSecurity security) {
        return new PodManifest("0b3e0b8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "web", "docker.io/library/busybox:latest",
                "sha256:" + "a".repeat(64), Instant.parse("2025-01-02T03:04:05Z"), List.of("sh"), List.of("A=1"), "/",
                "", "host1", "none", false, List.of(), "SIGTERM", false, security);
    }

    @Test
    void theSecuritySettingsRoundTrip() throws Exception {
        PodSecurity security = new PodSecurity(false, List.of("CAP_CHOWN", "CAP_NET_ADMIN"), false, "/etc/profile.json",
                List.of("/proc/keys"), List.of());
        PodManifest m = manifest(security);
        byte[] json = PodJson.manifest(m);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"security\"").contains("\"noNewPrivileges\" : false");
        assertThat(PodJson.manifest(json)).isEqualTo(m);
    }

    @Test
    void aPodJsonWithoutSecurityReadsAsTheDefaultsOfItsTime() throws Exception {
        String old = "{\"uuid\":\"u\",\"image\":{\"name\":\"n\",\"id\":\"i\"},\"created\":\"2025-01-02T03:04:05Z\","
                + "\"app\":{\"argv\":[\"sh\"],\"env\":[]},\"hostname\":\"h\"}";
        assertThat(PodJson.manifest(old.getBytes(StandardCharsets.UTF_8)).security()).isEqualTo(PodSecurity.UNRECORDED);
    }

    @Test
    void theUnrecordedDefaultsAreJrunsDefaults() {
        assertThat(CapabilityNames.set(PodSecurity.UNRECORDED.capabilities())).isEqualTo(CapabilityNames.set(SpecPreparer.DEFAULT_CAPABILITIES));
        assertThat(PodSecurity.UNRECORDED.maskedPaths()).isEqualTo(ContainerHardening.DEFAULT_MASKED);
        assertThat(PodSecurity.UNRECORDED.readOnlyPaths()).isEqualTo(ContainerHardening.DEFAULT_READ_ONLY);
        assertThat(PodSecurity.UNRECORDED.noNewPrivileges()).isTrue();
    }

    @Test
    void anUnknownExitCodeIsNullInExitJsonAndReadsBackAsUnknown() throws Exception {
        PodExit unknown = new PodExit(PodExit.UNKNOWN_CODE, PodExit.ABANDONED, Instant.parse("2025-01-02T03:04:05Z"),
                "ended by jrun stop");
        byte[] json = PodJson.exit(unknown);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"exitCode\" : null");
        assertThat(PodJson.exit(json)).isEqualTo(unknown);
        assertThat(PodJson.exit(json).exitCodeKnown()).isFalse();
        PodExit known = new PodExit(0, PodExit.EXITED, Instant.parse("2025-01-02T03:04:05Z"), null);
        assertThat(PodJson.exit(PodJson.exit(known))).isEqualTo(known);
        assertThat(known.exitCodeKnown()).isTrue();
    }
}
