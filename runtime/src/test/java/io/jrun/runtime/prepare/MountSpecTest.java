package io.jrun.runtime.prepare;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MountSpecTest {
    @Test
    void volumesParseAsDockersDo() {
        assertThat(MountSpec.parseVolume("/srv/data:/data")).isEqualTo(new MountSpec.Bind(Path.of("/srv/data"), "/data", false));
        assertThat(MountSpec.parseVolume("/srv//data/:/x/../y:ro")).isEqualTo(new MountSpec.Bind(Path.of("/srv/data"), "/y", true));
        assertThat(MountSpec.parseVolume("/a:/b:rw,z").readOnly()).isFalse();
    }

    @Test
    void badVolumesAreRefused() {
        assertThatThrownBy(() -> MountSpec.parseVolume("data:/data")).hasMessageContaining("absolute host path");
        assertThatThrownBy(() -> MountSpec.parseVolume("/a")).hasMessageContaining("-v /host/path:/container/path");
        assertThatThrownBy(() -> MountSpec.parseVolume("/a:/b:rx")).hasMessageContaining("invalid volume option 'rx'");
        assertThatThrownBy(() -> MountSpec.parseVolume("/a:relative")).hasMessageContaining("must be an absolute path");
        assertThatThrownBy(() -> MountSpec.parseVolume("/a:/")).hasMessageContaining("not allowed");
        assertThat(MountSpec.parseVolume("/a:/../etc").target()).as("cleaned as a path in the root").isEqualTo("/etc");
        assertThatThrownBy(() -> MountSpec.parseVolume("/a:/proc/sys")).hasMessageContaining("inside /proc");
        assertThatThrownBy(() -> MountSpec.parseVolume("/a:/sys")).hasMessageContaining("inside /sys");
        assertThat(MountSpec.parseVolume("/a:/system").target()).isEqualTo("/system");
    }

    @Test
    void tmpfsOptionsFollowDockerAndPodman() {
        assertThat(MountSpec.parseTmpfs("/run/x"))
                .isEqualTo(new MountSpec.Tmpfs("/run/x", false, true, true, true, true, List.of()));
        MountSpec.Tmpfs t = MountSpec.parseTmpfs("/t:ro,exec,size=64m,mode=700,uid=70,gid=4294967294,notmpcopyup");
        assertThat(t).isEqualTo(new MountSpec.Tmpfs("/t", true, false, true, true, false,
                List.of("size=64m", "mode=700", "uid=70", "gid=4294967294")));
        assertThat(t.option("uid")).isEqualTo("70");
        assertThat(t.option("nr_inodes")).isNull();
        assertThat(MountSpec.parseTmpfs("/t:notmpcopyup,tmpcopyup,mode=2775").copyUp()).isTrue();
        for (String bad : List.of("uid=x", "uid=-1", "gid=4294967295", "mode=x", "mode=8", "size=1t", "noswap", "bogus",
                "uid=1,uid=2")) {
            assertThatThrownBy(() -> MountSpec.parseTmpfs("/t:size=1m," + bad)).as(bad)
                    .hasMessageStartingWith("invalid tmpfs option '")
                    .hasMessageContaining("uid=N, gid=N");
        }
    }
}
