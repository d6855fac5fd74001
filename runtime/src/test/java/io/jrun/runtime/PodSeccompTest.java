package io.jrun.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrun.runtime.pod.PodLease;
import io.jrun.runtime.pod.PodManifest;
import io.jrun.runtime.pod.PodSecurity;
import io.jrun.runtime.pod.PodPhase;
import io.jrun.runtime.pod.PodState;
import io.jrun.runtime.pod.PodStatus;
import io.jrun.runtime.seccomp.SeccompCache;
import io.jrun.runtime.seccomp.SeccompOption;
import io.jrun.runtime.seccomp.SeccompTarget;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodSeccompTest {
    private static final SeccompTarget TARGET = SeccompTarget.thisMachine(ContainerSpec.DEFAULT_CAPABILITIES, true);
    private static final int ALLOW = 0x7fff0000;
    private static final String DENY_MKDIR = """
            {"defaultAction": "SCMP_ACT_ALLOW",
             "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
            """;

    @TempDir
    Path dir;

    /** A cache in the test's directory: every test starts with an empty one. */
    private SeccompCache cache() {
        return new SeccompCache(dir.resolve("cache"));
    }

    private PodStatus pod(String seccomp) {
        PodSecurity defaults = PodSecurity.UNRECORDED;
        PodSecurity security = seccomp == null ? null : new PodSecurity(defaults.privileged(), defaults.capabilities(),
                defaults.noNewPrivileges(), seccomp, defaults.maskedPaths(), defaults.readOnlyPaths());
        PodManifest m = new PodManifest("uuid", null, "image", "sha256:" + "00".repeat(32), Instant.EPOCH, List.of("sh"),
                List.of(), "/", "", "h", "none", false, List.of(), "SIGTERM", false, security);
        return new PodStatus("uuid", PodPhase.RUN, PodState.RUNNING, false, m, null, null, dir);
    }

    @Test
    void theDefaultAndUnconfinedAreRecordedByName() throws Exception {
        PodSeccomp builtIn = PodSeccomp.of(SeccompOption.DEFAULT);
        assertThat(builtIn.recorded()).isEqualTo("default");
        assertThat(builtIn.customProfile()).isEmpty();
        assertThat(builtIn.compile(TARGET, cache()).orElseThrow().evaluate("keyctl")).isNotEqualTo(ALLOW);
        PodSeccomp none = PodSeccomp.of(SeccompOption.UNCONFINED);
        assertThat(none.recorded()).isEqualTo("unconfined");
        assertThat(none.compile(TARGET, cache())).isEmpty();
        assertThat(PodSeccomp.ofPod(pod("default")).orElseThrow().compile(TARGET, cache()).orElseThrow().instructions())
                .isEqualTo(builtIn.compile(TARGET, cache()).orElseThrow().instructions());
        assertThat(PodSeccomp.ofPod(pod("unconfined")).orElseThrow().compile(TARGET, cache())).isEmpty();
        assertThat(PodSeccomp.ofPod(pod(null)).orElseThrow().recorded()).as("a pod.json that does not say: the default")
                .isEqualTo("default");
    }

    @Test
    void aCustomProfileIsReadOnceAndEnteredFromThePodsCopy() throws Exception {
        Path file = Files.writeString(dir.resolve("user.json"), DENY_MKDIR);
        PodSeccomp chosen = PodSeccomp.of(SeccompOption.parse("seccomp=" + file));
        assertThat(chosen.recorded()).isEqualTo(file.toString());
        Files.write(dir.resolve(PodLease.SECCOMP_PROFILE), chosen.customProfile().orElseThrow());
        Files.delete(file); // the user's file goes: the pod's copy stays
        PodSeccomp entered = PodSeccomp.ofPod(pod(file.toString())).orElseThrow();
        assertThat(entered.recorded()).isEqualTo(file.toString());
        assertThat(entered.compile(TARGET, cache()).orElseThrow().evaluate("mkdir", 0, 0)).isEqualTo(0x00050000 | 13);
        assertThat(entered.compile(TARGET, cache()).orElseThrow().evaluate("getpid")).isEqualTo(ALLOW);
    }

    @Test
    void profileErrorsNameTheUsersFile() throws Exception {
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> PodSeccomp.of(SeccompOption.parse("seccomp=" + missing)))
                .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"defaultAction\": \"SCMP_ACT_NOPE\"}");
        PodSeccomp chosen = PodSeccomp.of(SeccompOption.parse("seccomp=" + broken));
        assertThatThrownBy(() -> chosen.compile(TARGET, cache())).hasMessageContaining(broken.toString());
    }
}
