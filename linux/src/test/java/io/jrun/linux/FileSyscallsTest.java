package io.jrun.linux;

import static io.jrun.linux.AtFlags.AT_FDCWD;
import static io.jrun.linux.AtFlags.AT_SYMLINK_NOFOLLOW;
import static io.jrun.linux.OpenFlags.*;
import static io.jrun.linux.ResolveFlags.RESOLVE_BENEATH;
import static io.jrun.linux.ResolveFlags.RESOLVE_NO_MAGICLINKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wrappers against the real kernel; the suite runs as root. */
class FileSyscallsTest {
    @TempDir
    Path dir;

    private Fd openDir() throws ErrnoException {
        return FileSyscalls.openat(AT_FDCWD, dir.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    }

    @Test
    void errnoIsCapturedAndNamed() {
        assertThatThrownBy(() -> FileSyscalls.openat(AT_FDCWD, dir.resolve("missing").toString(), O_RDONLY, 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                    assertThat(e.getMessage()).isEqualTo("openat \"" + dir.resolve("missing")
                            + "\": No such file or directory (ENOENT)");
                });
    }

    @Test
    void openat2BeneathRefusesDotDotAndAbsoluteSymlinkEscapes() throws Exception {
        Files.createDirectory(dir.resolve("root"));
        Files.createSymbolicLink(dir.resolve("root/abs"), Path.of("/etc"));
        Files.createSymbolicLink(dir.resolve("root/up"), Path.of("../.."));
        Files.createDirectory(dir.resolve("root/sub"));
        Files.createSymbolicLink(dir.resolve("root/inside"), Path.of("sub"));
        try (Fd root = FileSyscalls.openat(AT_FDCWD, dir.resolve("root").toString(), O_PATH | O_DIRECTORY, 0)) {
            long resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
            for (String escape : new String[] {"../x", "abs", "abs/passwd", "up/x", "/etc"}) {
                assertThatThrownBy(() -> FileSyscalls.openat2(root.value(), escape, O_PATH, 0, resolve))
                        .as(escape)
                        .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EXDEV"));
            }
            try (Fd inside = FileSyscalls.openat2(root.value(), "inside", O_PATH | O_DIRECTORY, 0, resolve)) {
                assertThat(FileSyscalls.statx(inside.value(), "", AtFlags.AT_EMPTY_PATH).inode())
                        .isEqualTo(Files.getAttribute(dir.resolve("root/sub"), "unix:ino"));
            }
        }
    }

    @Test
    void mknodatThenFchmodatGiveTheExactMode() throws Exception {
        try (Fd d = openDir()) {
            FileSyscalls.mknodat(d.value(), "null", FileTypes.S_IFCHR | 0666, FileTypes.makedev(1, 3));
            FileSyscalls.fchmodat(d.value(), "null", 0666);
            FileSyscalls.mknodat(d.value(), "blk", FileTypes.S_IFBLK | 0600, FileTypes.makedev(259, 70000));
            FileSyscalls.mknodat(d.value(), "fifo", FileTypes.S_IFIFO | 0777, 0);
            FileSyscalls.fchmodat(d.value(), "fifo", 01777);
            Stat chr = FileSyscalls.statx(d.value(), "null", AT_SYMLINK_NOFOLLOW);
            assertThat(chr.type()).isEqualTo(FileTypes.S_IFCHR);
            assertThat(chr.permissions()).isEqualTo(0666);
            assertThat(chr.rdevMajor()).isEqualTo(1);
            assertThat(chr.rdevMinor()).isEqualTo(3);
            Stat blk = FileSyscalls.statx(d.value(), "blk", AT_SYMLINK_NOFOLLOW);
            assertThat(blk.rdevMajor()).isEqualTo(259);
            assertThat(blk.rdevMinor()).isEqualTo(70000);
            assertThat(Files.getAttribute(dir.resolve("fifo"), "unix:mode")).isEqualTo(FileTypes.S_IFIFO | 01777);
        }
    }

    @Test
    void xattrsRoundTripOnFilesDirectoriesAndThroughProcSelfFd() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        Files.createDirectory(dir.resolve("d"));
        try (Fd d = openDir(); Fd f = FileSyscalls.openat(d.value(), "f", O_RDWR | O_NOFOLLOW, 0)) {
            FileSyscalls.fsetxattr(f.value(), "user.fd", "one".getBytes(StandardCharsets.UTF_8));
            assertThat(FileSyscalls.fgetxattr(f.value(), "user.fd")).asString().isEqualTo("one");
            FileSyscalls.setxattrAt(d.value(), "d", "trusted.overlay.opaque", new byte[] {'y'});
            assertThat(FileSyscalls.lgetxattr(dir.resolve("d").toString(), "trusted.overlay.opaque")).containsExactly('y');
            FileSyscalls.setxattrAt(d.value(), "", "user.self", new byte[] {0, 1, 2, (byte) 255});
            assertThat(FileSyscalls.lgetxattr(dir.toString(), "user.self")).containsExactly(0, 1, 2, 255);
            assertThatThrownBy(() -> FileSyscalls.lgetxattr(dir.resolve("f").toString(), "user.absent"))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("ENODATA"));
        }
    }

    @Test
    void linksOwnershipTimesRenamesAndUnlinks() throws Exception {
        try (Fd d = openDir()) {
            FileSyscalls.symlinkat("/nowhere/at/all", d.value(), "link");
            assertThat(FileSyscalls.readlinkat(d.value(), "link")).isEqualTo("/nowhere/at/all");
            FileSyscalls.fchownat(d.value(), "link", 1000, 1001, AT_SYMLINK_NOFOLLOW);
            Stat link = FileSyscalls.statx(d.value(), "link", AT_SYMLINK_NOFOLLOW);
            assertThat(link.isSymlink()).isTrue();
            assertThat(link.uid()).isEqualTo(1000);
            assertThat(link.gid()).isEqualTo(1001);
            Instant when = Instant.ofEpochSecond(1_600_000_000L, 123_456_789);
            FileSyscalls.utimensat(d.value(), "link", when, when, AT_SYMLINK_NOFOLLOW);
            Stat timed = FileSyscalls.statx(d.value(), "link", AT_SYMLINK_NOFOLLOW);
            assertThat(timed.mtimeSeconds()).isEqualTo(1_600_000_000L);
            assertThat(timed.mtimeNanos()).isEqualTo(123_456_789);

            try (Fd f = FileSyscalls.openat(d.value(), "file", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600)) {
                FileSyscalls.write(f.value(), "hello".getBytes(StandardCharsets.UTF_8));
                FileSyscalls.fchown(f.value(), 7, 8);
                FileSyscalls.fchmod(f.value(), 04755);
                FileSyscalls.fsync(f.value());
            }
            assertThat(Files.getAttribute(dir.resolve("file"), "unix:mode")).isEqualTo(FileTypes.S_IFREG | 04755);
            FileSyscalls.linkat(d.value(), "file", d.value(), "hard", 0);
            assertThat(Files.getAttribute(dir.resolve("hard"), "unix:ino"))
                    .isEqualTo(Files.getAttribute(dir.resolve("file"), "unix:ino"));
            assertThatThrownBy(() -> FileSyscalls.openat(d.value(), "file", O_WRONLY | O_CREAT | O_EXCL, 0600))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EEXIST"));
            FileSyscalls.renameat2(d.value(), "hard", d.value(), "renamed", AtFlags.RENAME_NOREPLACE);
            assertThatThrownBy(() -> FileSyscalls.renameat2(d.value(), "renamed", d.value(), "file", AtFlags.RENAME_NOREPLACE))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EEXIST"));
            FileSyscalls.unlinkat(d.value(), "renamed", 0);
            FileSyscalls.mkdirat(d.value(), "sub", 0700);
            FileSyscalls.unlinkat(d.value(), "sub", AtFlags.AT_REMOVEDIR);
            assertThat(Files.readString(dir.resolve("file"))).isEqualTo("hello");
            assertThat(Files.exists(dir.resolve("renamed"))).isFalse();
            assertThat(Files.exists(dir.resolve("sub"))).isFalse();
        }
    }

    @Test
    void nativeBufferCopiesLargeStreamsWhole() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(data);
        try (Fd d = openDir(); NativeBuffer buffer = new NativeBuffer(64 * 1024);
             Fd f = FileSyscalls.openat(d.value(), "big", O_WRONLY | O_CREAT | O_EXCL, 0644)) {
            assertThat(buffer.copy(new ByteArrayInputStream(data), f.value(), data.length)).isEqualTo(data.length);
            assertThatThrownBy(() -> buffer.copy(new ByteArrayInputStream(new byte[3]), f.value(), 4))
                    .hasMessageContaining("1 bytes before");
        }
        assertThat(Files.readAllBytes(dir.resolve("big"))).hasSize(data.length + 3).startsWith(data);
    }

    @Test
    void listDirectoryReadsEveryName() throws Exception {
        for (int i = 0; i < 600; i++) {
            Files.createFile(dir.resolve("entry-with-a-longish-name-" + i));
        }
        Files.createDirectory(dir.resolve("subdir"));
        try (Fd d = FileSyscalls.openat(AT_FDCWD, dir.toString(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)) {
            var entries = FileSyscalls.listDirectory(d.value());
            assertThat(entries).hasSize(601);
            assertThat(entries).contains(new FileSyscalls.DirectoryEntry("subdir", FileSyscalls.DirectoryEntry.DT_DIR));
        }
    }

    @Test
    void nulBytesAndOverlongPathsAreRefusedBeforeTheKernel() {
        assertThatThrownBy(() -> FileSyscalls.openat(AT_FDCWD, "a\0b", O_RDONLY, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> FileSyscalls.openat(AT_FDCWD, "x".repeat(5000), O_RDONLY, 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("ENAMETOOLONG"));
    }

    @Test
    void getuidAndSyncfs() throws Exception {
        assertThat(FileSyscalls.getuid()).isEqualTo(0L).as("the native suite runs as root");
        FileSystems.syncfs(dir);
        assertThatThrownBy(() -> FileSystems.syncfs(dir.resolve("missing")))
                .hasMessageEndingWith("(ENOENT)");
    }
}
