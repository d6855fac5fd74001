package io.jrun.runtime.pod;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class PodJsonTest {
    private static PodManifest manifest(String seccomp) {
        return new PodManifest("0b5e6a8e-3f5e-4a8e-9d61-2b2f3c4d5e6f", "web", "docker.io/library/busybox:latest",
                "sha256:" + "ab".repeat(32), Instant.parse("2025-01-02T03:04:05Z"), List.of("sh", "-c", "true"),
                List.of("PATH=/bin"), "/srv", "app", "web-1", "none", false, List.of("-v /a:/b"), "SIGTERM", false,
                seccomp);
    }

    @Test
    void aManifestSurvivesTheRoundTripWithItsSeccompProfile() throws Exception {
        for (String seccomp : new String[] {"default", "unconfined", "/etc/jrun/strict.json"}) {
            PodManifest m = manifest(seccomp);
            byte[] json = PodJson.manifest(m);
            assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"seccomp\" : \"" + seccomp + "\"");
            assertThat(PodJson.manifest(json)).isEqualTo(m);
        }
    }

    @Test
    void aPodJsonWithoutSeccompReadsAsNotRecorded() throws Exception {
        String older = new String(PodJson.manifest(manifest("default")), StandardCharsets.UTF_8)
                .replaceAll(",\\s*\"seccomp\" : \"default\"", "");
        assertThat(older).doesNotContain("seccomp");
        assertThat(PodJson.manifest(older.getBytes(StandardCharsets.UTF_8)).seccomp()).isNull();
        assertThat(PodJson.manifest(older.getBytes(StandardCharsets.UTF_8))).isEqualTo(manifest(null));
    }
}
