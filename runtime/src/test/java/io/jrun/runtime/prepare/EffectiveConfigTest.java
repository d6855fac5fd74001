package io.jrun.runtime.prepare;

import io.jrun.images.oci.ImageConfig;
import io.jrun.images.oci.Platform;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import io.jrun.runtime.prepare.SpecPreparer;
import io.jrun.runtime.prepare.EffectiveConfig;
import io.jrun.runtime.spec.CapabilityNames;

class EffectiveConfigTest {
    private static final ImageConfig IMAGE = new ImageConfig(Platform.parse("linux/amd64"), null, "app",
            List.of("PATH=/bin", "A=image", "B=image"), List.of("/entry", "--flag"), List.of("default", "args"),
            "/work", "SIGQUIT", Map.of(), List.of());

    private static RunRequest request(List<String> command, String entrypoint, List<String> env, String workingDir, String user,
                                      boolean terminal) {
        return RunRequest.builder("img").command(command).entrypoint(entrypoint).env(env).workingDir(workingDir)
                .user(user).terminal(terminal).build();
    }

    @Test
    void theImagesConfigIsTheDefault() {
        EffectiveConfig c = EffectiveConfig.of(IMAGE, request(List.of(), null, List.of(), null, null, false), "host");
        assertThat(c.argv()).containsExactly("/entry", "--flag", "default", "args");
        assertThat(c.env()).containsExactly("PATH=/bin", "HOSTNAME=host", "A=image", "B=image");
        assertThat(c.workingDir()).isEqualTo("/work");
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.stopSignal()).isEqualTo("SIGQUIT");
    }

    @Test
    void argumentsReplaceCmdAndEntrypointDropsIt() {
        assertThat(EffectiveConfig.of(IMAGE, request(List.of("x"), null, List.of(), null, null, false), "h").argv())
                .containsExactly("/entry", "--flag", "x");
        assertThat(EffectiveConfig.of(IMAGE, request(List.of(), "/other", List.of(), null, null, false), "h").argv())
                .containsExactly("/other");
        assertThat(EffectiveConfig.of(IMAGE, request(List.of("sh", "-c", "x"), "", List.of(), null, null, false), "h").argv())
                .containsExactly("sh", "-c", "x");
    }

    @Test
    void laterEnvironmentEntriesWinInPlace() {
        EffectiveConfig c = EffectiveConfig.of(IMAGE, request(List.of(), null, List.of("B=user", "C=user", "B=last"), "/w", "0", true), "h");
        assertThat(c.env()).containsExactly("PATH=/bin", "HOSTNAME=h", "TERM=xterm", "A=image", "B=last", "C=user");
        assertThat(c.workingDir()).isEqualTo("/w");
        assertThat(c.user()).isEqualTo("0");
    }

    @Test
    void anEmptyImageGetsDockersDefaults() {
        ImageConfig empty = new ImageConfig(Platform.parse("linux/amd64"), null, null, null, null, null, null, null, null, List.of());
        EffectiveConfig c = EffectiveConfig.of(empty, request(List.of("sh"), null, List.of(), null, null, false), "h");
        assertThat(c.env()).containsExactly("PATH=" + EffectiveConfig.DEFAULT_PATH, "HOSTNAME=h");
        assertThat(c.workingDir()).isEqualTo("/");
        assertThat(c.user()).isEmpty();
        assertThat(c.stopSignal()).isEqualTo("SIGTERM");
    }
}
