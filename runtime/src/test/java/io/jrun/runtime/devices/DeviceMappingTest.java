package io.jrun.runtime.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrun.runtime.spec.Device;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --device HOST[:CONTAINER][:PERMS]} as podman reads it, against this host's /dev/null. */
class DeviceMappingTest {
    @Test
    void theFormsPodmanTakes() {
        DeviceMapping plain = DeviceMapping.parse("/dev/null");
        assertThat(plain.hostPath()).isEqualTo(Path.of("/dev/null"));
        assertThat(plain.node()).isEqualTo(new Device("c", "/dev/null", 1, 3, 0666, 0L, 0L));
        assertThat(plain.access()).isEqualTo("rwm");
        assertThat(DeviceMapping.parse("/dev/null:r").node().path()).isEqualTo("/dev/null");
        assertThat(DeviceMapping.parse("/dev/null:r").access()).isEqualTo("r");
        assertThat(DeviceMapping.parse("/dev/null:/dev/other").node().path()).isEqualTo("/dev/other");
        assertThat(DeviceMapping.parse("/dev/null:/dev/other").access()).isEqualTo("rwm");
        DeviceMapping full = DeviceMapping.parse("/dev/null:/dev/sub/other:mw");
        assertThat(full.node().path()).isEqualTo("/dev/sub/other");
        assertThat(full.access()).isEqualTo("mw");
    }

    @Test
    void aSymlinkToADeviceIsFollowed(@TempDir Path dir) throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("/dev/null"));
        DeviceMapping m = DeviceMapping.parse(link + ":/dev/linked");
        assertThat(m.node()).isEqualTo(new Device("c", "/dev/linked", 1, 3, 0666, 0L, 0L));
        assertThat(m.hostPath()).isEqualTo(link);
    }

    @Test
    void whatIsNotADeviceOrNotWellFormedIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "");
        String[][] cases = {
                {"", "invalid --device '': use --device HOST_PATH[:CONTAINER_PATH][:PERMS], PERMS from r, w and m"},
                {"/dev/null:/dev/x:rw:x", "invalid --device '/dev/null:/dev/x:rw:x': use --device HOST_PATH[:CONTAINER_PATH][:PERMS], PERMS from r, w and m"},
                {"/dev/null:rr", "invalid --device '/dev/null:rr': 'rr' is neither a container path (absolute) nor permissions (r, w and m, each at most once)"},
                {"/dev/null:/dev/x:", "invalid --device '/dev/null:/dev/x:': '' is neither a container path (absolute) nor permissions (r, w and m, each at most once)"},
                {"/dev/null:x", "invalid --device '/dev/null:x': 'x' is neither a container path (absolute) nor permissions (r, w and m, each at most once)"},
                {"dev/null", "--device dev/null: the host path dev/null must be absolute, such as /dev/fuse"},
                {file.toString(), "--device " + file + ": not a device node: --device takes a character or block device, such as /dev/fuse"},
                {"/dev/null:/tmp/null", "--device /dev/null:/tmp/null: device path '/tmp/null' must be a normal absolute path below /dev (the container's other files are mounted nodev): for example /dev/fuse"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> DeviceMapping.parse(c[0])).as(c[0]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(c[1]);
        }
    }
}
