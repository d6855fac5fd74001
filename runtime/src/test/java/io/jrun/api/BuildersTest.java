package io.jrun.api;

import io.jrun.runtime.AppRequest;
import io.jrun.runtime.prepare.MountSpec;
import io.jrun.runtime.prepare.RunRequest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The public builders' validation and their translation into the engine's requests: pure
 * logic (nothing runs). Each bad value is refused where it is given, in one line naming it and
 * the fix.
 */
class BuildersTest {
    /** A container builder with no engine behind it: only start() needs one. */
    private static ContainerBuilder container() {
        return new ContainerBuilder(null, "busybox");
    }

    @Test
    void aBadMemorySizeIsRefusedNamingItAndTheUnits() {
        assertThatThrownBy(() -> container().memory("lots")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid memory 'lots': give a size such as 512m or 2g (units b, k, m, g)");
        assertThatThrownBy(() -> container().memory("1k")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("memory '1k' is too small: the minimum is 6m");
        assertThatThrownBy(() -> App.of("a", "busybox").memory("-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("memory '-1' is too small: the minimum is 6m");
    }

    @Test
    void anEmptyCommandIsRefused() {
        assertThatThrownBy(() -> container().command()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the command is empty: give a program and its arguments, or leave command() out for the image's own");
        assertThatThrownBy(() -> container().command(" ", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the command's program is empty: give its name or absolute path");
        assertThatThrownBy(() -> App.of("a", "busybox").command(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the command is empty");
    }

    @Test
    void relativePathsAreRefusedOnEitherSideOfAVolume() {
        assertThatThrownBy(() -> container().volume(Path.of("/srv"), "data", VolumeMode.READ_ONLY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("volume container path 'data' is not absolute: give a path inside the container starting with '/'");
        assertThatThrownBy(() -> container().volume(Path.of("srv"), "/data", VolumeMode.READ_ONLY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("volume host path 'srv' is relative: give an absolute path (Path.toAbsolutePath())");
        assertThatThrownBy(() -> container().workingDir("tmp")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("working directory 'tmp' is not absolute: give a path inside the container starting with '/'");
    }

    @Test
    void otherBadValuesAreRefusedWhereTheyAreGiven() {
        assertThatThrownBy(() -> container().cpus(0)).hasMessage("cpus must be at least 0.01, not 0.0");
        assertThatThrownBy(() -> container().cpus(Double.NaN)).hasMessage("cpus must be at least 0.01, not NaN");
        assertThatThrownBy(() -> container().pidsLimit(0)).hasMessage("pidsLimit must be at least 1, not 0");
        assertThatThrownBy(() -> container().env("A=B", "c"))
                .hasMessage("invalid environment variable name 'A=B': give a non-empty name without '='");
        assertThatThrownBy(() -> new ContainerBuilder(null, " "))
                .hasMessage("the image name is empty: give one such as \"busybox\" or \"oci:/path/layout:tag\"");
        assertThatThrownBy(() -> App.of("Web", "busybox")).hasMessageStartingWith("invalid app name 'Web': use lower-case");
        assertThatThrownBy(() -> new PodBuilder(null, "web").app(App.of("a", "busybox")).app(App.of("a", "busybox")))
                .hasMessage("the pod has an app named a already: give each its own name");
        assertThatThrownBy(() -> new PodBuilder(null, "web").start()).isInstanceOf(IllegalStateException.class)
                .hasMessage("pod web has no app: add one with app(App.of(name, image))");
    }

    @Test
    void theSettingsBecomeTheEnginesRequest() {
        RunRequest request = container().command("echo", "hi").env("K", "V").env("K", "W").env("L", "x=y")
                .volume(Path.of("/srv"), "/data", VolumeMode.READ_ONLY).volume(Path.of("/tmp"), "/scratch", VolumeMode.READ_WRITE)
                .memory("64m").cpus(0.5).pidsLimit(32).workingDir("/tmp").user("nobody").readOnlyRootfs()
                .request("docker.io/library/busybox:latest").build();
        assertThat(request.image()).isEqualTo("docker.io/library/busybox:latest");
        assertThat(request.command()).containsExactly("echo", "hi");
        assertThat(request.env()).as("a later value for a name wins, in the first one's place").containsExactly("K=W", "L=x=y");
        assertThat(request.mounts()).containsExactly(new MountSpec.Bind(Path.of("/srv"), "/data", true),
                new MountSpec.Bind(Path.of("/tmp"), "/scratch", false));
        assertThat(request.limits().memory()).isEqualTo(64L << 20);
        assertThat(request.limits().cpus()).isEqualTo(0.5);
        assertThat(request.limits().pidsLimit()).isEqualTo(32L);
        assertThat(request.workingDir()).isEqualTo("/tmp");
        assertThat(request.user()).isEqualTo("nobody");
        assertThat(request.readOnly()).isTrue();
        assertThat(container().request("b").build().limits().isEmpty()).as("no limit asked for").isTrue();

        AppRequest app = App.of("setup", "busybox").command("true").init().appRequest("b");
        assertThat(app.name()).isEqualTo("setup");
        assertThat(app.init()).isTrue();
        assertThat(app.process().command()).containsExactly("true");
    }
}
