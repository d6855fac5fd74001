package io.jrun.runtime.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrun.linux.Architecture;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompOptionTest {
    @TempDir
    Path dir;

    @Test
    void parsesDockersSpellings() {
        assertThat(SeccompOption.parse("seccomp=unconfined")).isEqualTo(SeccompOption.UNCONFINED);
        assertThat(SeccompOption.parse("seccomp:unconfined")).isEqualTo(SeccompOption.UNCONFINED);
        assertThat(SeccompOption.parse("seccomp=builtin")).isEqualTo(SeccompOption.DEFAULT);
        assertThat(SeccompOption.parse("seccomp=/etc/p.json"))
                .isEqualTo(new SeccompOption(SeccompOption.Kind.FILE, Path.of("/etc/p.json")));
        assertThat(SeccompOption.parse("seccomp=p.json").profileFile()).isEqualTo(Path.of("p.json").toAbsolutePath());
        assertThat(SeccompOption.isSeccomp("no-new-privileges=false")).isFalse();
        assertThatThrownBy(() -> SeccompOption.parse("seccomp=")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SeccompOption.parse("apparmor=x")).hasMessageContaining("not a seccomp option");
    }

    @Test
    void unconfinedHasNoProgramTheDefaultTheBuiltInProfile() throws Exception {
        SeccompTarget target = Filters.target(Architecture.current(), Filters.PODMAN_CAPS);
        assertThat(SeccompOption.UNCONFINED.compile(target)).isEmpty();
        assertThat(SeccompOption.DEFAULT.profile()).contains(DefaultProfile.get());
        assertThat(SeccompOption.DEFAULT.compile(target).orElseThrow().evaluate("keyctl")).isEqualTo(Filters.EPERM);
    }

    @Test
    void aProfileFileIsReadAndItsErrorsNameIt() throws Exception {
        Path good = dir.resolve("good.json");
        Files.writeString(good, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"uname\"],"
                + " \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 61}]}");
        SeccompProgram program = SeccompOption.parse("seccomp=" + good).compile(
                Filters.target(Architecture.AARCH64, 0)).orElseThrow();
        assertThat(program.evaluate("uname")).isEqualTo(0x00050000 | 61);

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"],"
                + " \"action\": \"SCMP_ACT_FOO\"}]}");
        assertThatThrownBy(() -> SeccompOption.parse("seccomp=" + bad).profile()).hasMessage("seccomp profile " + bad
                + ": syscalls[0].action: unknown action \"SCMP_ACT_FOO\"");
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> SeccompOption.parse("seccomp=" + missing).profile())
                .hasMessage("seccomp profile " + missing + ": no such file");
        assertThatThrownBy(() -> SeccompOption.parse("seccomp=" + dir).profile())
                .hasMessageStartingWith("seccomp profile " + dir + ": cannot read: ");
    }

    @Test
    void kernelVersionsParseAsUnameWritesThem() {
        assertThat(KernelVersion.parse("6.18.44-fc-v669")).isEqualTo(new KernelVersion(6, 18));
        assertThat(KernelVersion.parse("4.8")).isEqualTo(new KernelVersion(4, 8));
        assertThat(KernelVersion.parse("5.10.0-28-amd64")).isEqualTo(new KernelVersion(5, 10));
        assertThat(KernelVersion.parse("six")).isNull();
        assertThat(new KernelVersion(6, 2).atLeast(new KernelVersion(5, 19))).isTrue();
        assertThat(new KernelVersion(4, 19).atLeast(new KernelVersion(4, 20))).isFalse();
        assertThat(KernelVersion.running().atLeast(new KernelVersion(5, 1))).isTrue();
    }
}
