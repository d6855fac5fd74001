package io.jrun.nativetests.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrun.images.layer.LayerUnpacker;
import io.jrun.images.layer.UnpackStats;
import io.jrun.images.layer.UnsafeLayerException;
import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.Stat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The unpacker against the real kernel, as root: faithful reproduction and every refusal. */
class LayerUnpackerTest {
    @TempDir
    Path base;
    Path root;
    Path sentinel;

    @BeforeEach
    void layout() throws IOException {
        root = Files.createDirectory(base.resolve("root"));
        sentinel = Files.createDirectory(base.resolve("outside-sentinel"));
        Files.writeString(sentinel.resolve("keep"), "untouched");
        Files.setLastModifiedTime(sentinel, FileTime.from(Instant.ofEpochSecond(1000)));
    }

    private UnpackStats unpack(byte[] tar) throws IOException {
        return new LayerUnpacker().unpack(new ByteArrayInputStream(tar), root);
    }

    private static Stat stat(Path path) throws ErrnoException {
        return FileSyscalls.statx(AtFlags.AT_FDCWD, path.toString(), AtFlags.AT_SYMLINK_NOFOLLOW);
    }

    private void assertOutsideUntouched() throws IOException {
        try (Stream<Path> beside = Files.list(base)) {
            assertThat(beside.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("root", "outside-sentinel");
        }
        try (Stream<Path> inside = Files.list(sentinel)) {
            assertThat(inside.map(p -> p.getFileName().toString())).containsExactly("keep");
        }
        assertThat(Files.readString(sentinel.resolve("keep"))).isEqualTo("untouched");
        assertThat(Files.getLastModifiedTime(sentinel).toInstant()).isEqualTo(Instant.ofEpochSecond(1000));
    }

    @Test
    void reproducesANormalLayer() throws Exception {
        String longDir = "d".repeat(120) + "/" + "e".repeat(120);
        String longFile = longDir + "/" + "f".repeat(150);
        Instant dirTime = Instant.ofEpochSecond(1_600_000_000L, 123_456_000);
        byte[] tar = new TarBuilder()
                .dir("./", 0755, 0, 0)
                .dir("./etc", 0755, 0, 0, dirTime)
                .file("./etc/hostname", "box\n")
                .file("./usr/bin/su", "#!elf", 04755, 0, 0, Map.of())
                .file("./home/user/tool", "x", 02755, 1000, 1000, Map.of())
                .dir("./tmp", 01777, 0, 0)
                .dir("./home/user", 0700, 1000, 1000)
                .file("./xattr", "x", 0600, 0, 0, Map.of("SCHILY.xattr.user.x", "value-of-x"))
                .dir("./xdir", 0755, 0, 0)
                .hardlink("./etc/hostname-link", "./etc/hostname")
                .device("./dev/null", TarConstants.LF_CHR, 1, 3, 0666)
                .device("./dev/sda1", TarConstants.LF_BLK, 8, 1, 0660)
                .device("./run/fifo", TarConstants.LF_FIFO, 0, 0, 0620)
                .symlink("./abs", "/etc/passwd")
                .symlink("./rel", "../usr/bin")
                .dir(longDir, 0755, 0, 0)
                .file(longFile, "long")
                .build();

        UnpackStats stats = unpack(tar);

        assertThat(stats.entries()).isEqualTo(17);
        assertThat(stats.regularFileBytes()).isEqualTo(4 + 5 + 1 + 1 + 4);
        assertThat(Files.readString(root.resolve("etc/hostname"))).isEqualTo("box\n");
        Stat hostname = stat(root.resolve("etc/hostname"));
        assertThat(hostname.mode()).isEqualTo(FileTypes.S_IFREG | 0644);
        assertThat(hostname.mtimeSeconds()).isEqualTo(TarBuilder.MTIME.getEpochSecond());
        assertThat(hostname.mtimeNanos()).isEqualTo(TarBuilder.MTIME.getNano());
        assertThat(stat(root.resolve("usr/bin/su")).mode()).isEqualTo(FileTypes.S_IFREG | 04755);
        Stat tool = stat(root.resolve("home/user/tool"));
        assertThat(tool.mode()).as("setgid survives the chown").isEqualTo(FileTypes.S_IFREG | 02755);
        assertThat(tool.uid()).isEqualTo(1000);
        assertThat(tool.gid()).isEqualTo(1000);
        Stat home = stat(root.resolve("home/user"));
        assertThat(home.mode()).isEqualTo(FileTypes.S_IFDIR | 0700);
        assertThat(home.uid()).isEqualTo(1000);
        assertThat(stat(root.resolve("home")).mode()).as("implicit parent").isEqualTo(FileTypes.S_IFDIR | 0755);
        assertThat(stat(root.resolve("tmp")).mode()).isEqualTo(FileTypes.S_IFDIR | 01777);
        Stat etc = stat(root.resolve("etc"));
        assertThat(etc.mtimeSeconds()).as("directory times are applied after children").isEqualTo(dirTime.getEpochSecond());
        assertThat(etc.mtimeNanos()).as("commons-compress keeps 100 ns").isEqualTo(123_456_000);
        assertThat(FileSyscalls.lgetxattr(root.resolve("xattr").toString(), "user.x"))
                .asString(StandardCharsets.UTF_8).isEqualTo("value-of-x");
        assertThat(stat(root.resolve("etc/hostname-link")).inode()).isEqualTo(hostname.inode());
        assertThat(stat(root.resolve("etc/hostname")).links()).isEqualTo(2);
        Stat dev = stat(root.resolve("dev/null"));
        assertThat(dev.mode()).isEqualTo(FileTypes.S_IFCHR | 0666);
        assertThat(dev.rdevMajor()).isEqualTo(1);
        assertThat(dev.rdevMinor()).isEqualTo(3);
        Stat blk = stat(root.resolve("dev/sda1"));
        assertThat(blk.mode()).isEqualTo(FileTypes.S_IFBLK | 0660);
        assertThat(blk.rdevMajor()).isEqualTo(8);
        assertThat(blk.rdevMinor()).isEqualTo(1);
        assertThat(stat(root.resolve("run/fifo")).mode()).isEqualTo(FileTypes.S_IFIFO | 0620);
        assertThat(Files.readSymbolicLink(root.resolve("abs"))).isEqualTo(Path.of("/etc/passwd"));
        assertThat(Files.readSymbolicLink(root.resolve("rel"))).isEqualTo(Path.of("../usr/bin"));
        assertThat(root.resolve(longFile).toString().length()).isGreaterThan(255);
        assertThat(Files.readString(root.resolve(longFile))).isEqualTo("long");
    }

    @Test
    void symlinksAreReplacedNeverFollowed() throws Exception {
        String keep = sentinel.resolve("keep").toString();
        byte[] tar = new TarBuilder()
                .symlink("victim", keep)
                .file("victim", "replaced")
                .symlink("victimdir", sentinel.toString())
                .dir("victimdir", 0755, 0, 0)
                .file("victimdir/inside", "inside")
                .symlink("dev", keep)
                .device("dev", TarConstants.LF_CHR, 1, 3, 0600)
                .build();
        unpack(tar);
        assertThat(Files.readString(root.resolve("victim"))).isEqualTo("replaced");
        assertThat(Files.isDirectory(root.resolve("victimdir"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.readString(root.resolve("victimdir/inside"))).isEqualTo("inside");
        assertThat(stat(root.resolve("dev")).type()).isEqualTo(FileTypes.S_IFCHR);
        assertOutsideUntouched();
    }

    @Test
    void laterEntriesReplaceEarlierOnes() throws Exception {
        byte[] tar = new TarBuilder()
                .file("a", "file first")
                .dir("a", 0750, 0, 0)
                .file("a/child", "child")
                .dir("tree/deep/er", 0755, 0, 0)
                .file("tree/deep/er/f", "f")
                .file("tree", "now a file")
                .file("tree2/x", "x")
                .dir("tree2", 0700, 0, 0)
                .file("same", "one")
                .file("same", "two")
                .build();
        unpack(tar);
        assertThat(stat(root.resolve("a")).mode()).isEqualTo(FileTypes.S_IFDIR | 0750);
        assertThat(Files.readString(root.resolve("a/child"))).isEqualTo("child");
        assertThat(Files.readString(root.resolve("tree"))).isEqualTo("now a file");
        assertThat(stat(root.resolve("tree2")).mode()).as("dir over dir updates metadata").isEqualTo(FileTypes.S_IFDIR | 0700);
        assertThat(Files.readString(root.resolve("tree2/x"))).isEqualTo("x");
        assertThat(Files.readString(root.resolve("same"))).isEqualTo("two");
    }

    @Test
    void whiteoutsAndOpaqueDirectoriesTakeOverlayForm() throws Exception {
        byte[] tar = new TarBuilder()
                .file("etc/gone", "will be whited out in this very layer")
                .file("etc/.wh.gone", "")
                .file("var/.wh.cache", "")
                .dir("opq", 0755, 0, 0)
                .file("opq/.wh..wh..opq", "")
                .file("newdir/.wh..wh..opq", "")
                .file(".wh..wh..opq", "")
                .build();
        unpack(tar);
        for (String whiteout : List.of("etc/gone", "var/cache")) {
            Stat s = stat(root.resolve(whiteout));
            assertThat(s.type()).as(whiteout).isEqualTo(FileTypes.S_IFCHR);
            assertThat(s.rdevMajor()).isZero();
            assertThat(s.rdevMinor()).isZero();
        }
        assertThat(Files.exists(root.resolve("etc/.wh.gone"))).isFalse();
        for (Path opaque : List.of(root.resolve("opq"), root.resolve("newdir"), root)) {
            assertThat(FileSyscalls.lgetxattr(opaque.toString(), "trusted.overlay.opaque")).as(opaque.toString())
                    .containsExactly('y');
            assertThat(Files.exists(opaque.resolve(".wh..wh..opq"))).isFalse();
        }
    }

    @Test
    void fileCapabilitiesSurviveTheChown() throws Exception {
        // vfs_cap_data v2 for cap_net_raw+ep, as Go's archive/tar writes it: raw bytes, NULs included.
        byte[] caps = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        String value = new String(caps, StandardCharsets.ISO_8859_1);
        byte[] tar = new TarBuilder()
                .file("bin/ping", "elf", 0755, 0, 0, Map.of("SCHILY.xattr.security.capability", value))
                .build();
        unpack(tar);
        assertThat(FileSyscalls.lgetxattr(root.resolve("bin/ping").toString(), "security.capability")).isEqualTo(caps);
    }

    @Test
    void aBinaryXattrValueCommonsCompressCannotKeepIsRefusedNotCorrupted() throws Exception {
        byte[] tar = new TarBuilder()
                .file("bin/tool", "elf", 0755, 0, 0, Map.of("SCHILY.xattr.user.binary", "\u00ff"))
                .build();
        // what a Go-built layer holds: the raw byte 0xff, not its UTF-8 encoding
        int at = indexOf(tar, new byte[] {(byte) 0xc3, (byte) 0xbf});
        byte[] raw = new byte[tar.length];
        System.arraycopy(tar, 0, raw, 0, at);
        raw[at] = (byte) 0xff;
        raw[at + 1] = '\n'; // keep the record length: the value is now 0xff followed by a newline
        System.arraycopy(tar, at + 2, raw, at + 2, tar.length - at - 2);
        assertThatThrownBy(() -> unpack(raw))
                .isInstanceOf(UnsafeLayerException.class)
                .hasMessage("layer entry 'bin/tool': xattr 'user.binary' has a binary value in a SCHILY record,"
                        + " which jrun cannot read losslessly");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void readsToTheEndOfArchiveAndLeavesTheStreamOpen() throws Exception {
        byte[] tar = new TarBuilder().file("f", "content").build();
        boolean[] closed = {false};
        try (var in = new FilterInputStream(new ByteArrayInputStream(tar)) {
            @Override
            public void close() throws IOException {
                closed[0] = true;
                super.close();
            }
        }) {
            new LayerUnpacker().unpack(in, root);
            assertThat(closed[0]).isFalse();
        }
        assertThat(Files.readString(root.resolve("f"))).isEqualTo("content");
    }

    @Test
    void aTruncatedOrCorruptTarFailsInOneLineNamingWhere() throws Exception {
        byte[] tar = new TarBuilder().file("first", "1").file("big", "x".repeat(5000)).build();
        byte[] truncated = java.util.Arrays.copyOf(tar, 512 * 4 + 1000);
        assertThatThrownBy(() -> unpack(truncated))
                .hasMessageMatching("layer (entry 'big': cannot read its content|tar is corrupt after entry 'first'): .*[Tt]runcated.*")
                .hasMessageNotContaining("\n");
        byte[] corrupt = tar.clone();
        int header = 0;
        while (!(corrupt[header] == 'b' && corrupt[header + 1] == 'i' && corrupt[header + 2] == 'g' && corrupt[header + 3] == 0)) {
            header += 512; // find the ustar header of "big"
        }
        java.util.Arrays.fill(corrupt, header + 100, header + 148, (byte) 'Z'); // its mode, ids, size, mtime, checksum
        assertThatThrownBy(() -> new LayerUnpacker().unpack(new ByteArrayInputStream(corrupt), Files.createDirectory(base.resolve("root2"))))
                .hasMessageStartingWith("layer tar is corrupt after entry 'first': ")
                .hasMessageNotContaining("\n");
    }

    static Stream<Arguments> hostileLayers() {
        String escapeName = "jrun-escape-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        return Stream.of(
                hostile("../escape", "'..' component", s -> new TarBuilder().file("../escape", "x")),
                hostile("/abs", "is absolute", s -> new TarBuilder().file("/abs", "x")),
                hostile("link/file", "leads outside the layer root", s -> new TarBuilder()
                        .symlink("link", s.toString()).file("link/file", "x")),
                hostile("link/" + escapeName, "leads outside the layer root", s -> new TarBuilder()
                        .symlink("link", "../../..").file("link/" + escapeName, "x")),
                hostile("deep/link/x/", "leads outside the layer root", s -> new TarBuilder()
                        .dir("deep", 0755, 0, 0).symlink("deep/link", "../..").dir("deep/link/x", 0755, 0, 0)),
                hostile("h", "'..' component", s -> new TarBuilder()
                        .hardlink("h", "../../etc/passwd")),
                hostile("h", "is absolute", s -> new TarBuilder()
                        .hardlink("h", "/etc/passwd")),
                hostile("h", "hardlink target directory 'etcdir' leads outside", s -> new TarBuilder()
                        .symlink("etcdir", "/etc").hardlink("h", "etcdir/passwd")),
                hostile("h", "hardlink target directory 'up/outside-sentinel' leads outside", s -> new TarBuilder()
                        .symlink("up", "..").hardlink("h", "up/outside-sentinel/keep")),
                hostile(".wh...", "not a file name", s -> new TarBuilder().file(".wh...", "")),
                hostile("a/.wh..", "not a file name", s -> new TarBuilder().file("a/.wh..", "")),
                hostile(".wh.", "not a file name", s -> new TarBuilder().file(".wh.", "")),
                hostile("a/.wh..wh.plnk", "AUFS metadata", s -> new TarBuilder().file("a/.wh..wh.plnk", "")),
                hostile("a/.wh..wh..opq/x", "used as a directory", s -> new TarBuilder().file("a/.wh..wh..opq/x", "")),
                hostile("redirect", "reserved for overlayfs", s -> new TarBuilder().file("redirect", "", 0644, 0, 0,
                        Map.of("SCHILY.xattr.trusted.overlay.redirect", "/etc"))),
                hostile("origin", "reserved for overlayfs", s -> new TarBuilder().file("origin", "", 0644, 0, 0,
                        Map.of("SCHILY.xattr.user.overlay.origin", "x"))),
                hostile(".wh..wh..opq/", "is a directory", s -> new TarBuilder().dir(".wh..wh..opq", 0755, 0, 0)),
                hostile("x".repeat(120) + "\\0y", "contains a NUL byte", s -> new TarBuilder()
                        .file("x".repeat(120) + "\0y", "")),
                hostile("loop/x", "symlink loop", s -> new TarBuilder()
                        .symlink("loop", "loop").file("loop/x", "")),
                hostile("magic/x", "leads outside the layer root", s -> new TarBuilder()
                        .symlink("magic", "/proc/self/cwd").file("magic/x", "")));
    }

    private static Arguments hostile(String entry, String reason, Function<Path, TarBuilder> layer) {
        return Arguments.of(entry, reason, layer);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("hostileLayers")
    void refusesHostileEntriesAndWritesNothingOutside(String entry, String reason, Function<Path, TarBuilder> layer)
            throws Exception {
        byte[] tar = layer.apply(sentinel).build();
        assertThatThrownBy(() -> unpack(tar))
                .isInstanceOf(UnsafeLayerException.class)
                .hasMessageStartingWith("layer entry '" + entry + "': ")
                .hasMessageContaining(reason)
                .hasMessageNotContaining("\n");
        assertOutsideUntouched();
        if (entry.startsWith("link/jrun-escape")) {
            // root/link -> ../../.. is "/" for a root at /tmp/junit…/root
            assertThat(Path.of("/", entry.substring("link/".length()))).doesNotExist();
        }
    }
}
