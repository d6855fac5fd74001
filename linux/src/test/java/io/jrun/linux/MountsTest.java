package io.jrun.linux;

import static io.jrun.linux.AtFlags.AT_FDCWD;
import static io.jrun.linux.Mounts.*;
import static io.jrun.linux.Namespaces.CLONE_FS;
import static io.jrun.linux.Namespaces.CLONE_NEWNS;
import static io.jrun.linux.Namespaces.CLONE_NEWPID;
import static io.jrun.linux.OpenFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mounting on throw-away threads, each in its own private mount namespace, so nothing can
 * reach the host; every test also checks the host's mount table is unchanged.
 */
@org.junit.jupiter.api.extension.ExtendWith(HostMountsUnchanged.class)
class MountsTest {
    @TempDir
    Path dir;


    /** The first steps of every container setup: a private mount namespace for this thread. */
    private static void privateMountNamespace() throws ErrnoException {
        Namespaces.unshare(CLONE_FS | CLONE_NEWNS);
        Mounts.mount(null, "/", null, MS_REC | MS_PRIVATE, null);
    }

    private static Fd create(String path) throws ErrnoException {
        return FileSyscalls.openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    }

    @Test
    void pivotRootChangesTheRootOfOneThreadOnly() throws Exception {
        String root = dir.toString();
        String[] seen = Throwaway.run(() -> {
            privateMountNamespace();
            Mounts.mount("jrun-root", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755");
            try (Fd marker = create(root + "/marker")) {
                FileSyscalls.write(marker.value(), "pivoted".getBytes(StandardCharsets.UTF_8));
            }
            // Load, before the pivot, every class used after it: the class path is gone afterwards.
            List<FileSyscalls.DirectoryEntry> warmUp;
            try (Fd d = FileSyscalls.openat(AT_FDCWD, root, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)) {
                warmUp = FileSyscalls.listDirectory(d.value());
            }
            long rootSize = FileSyscalls.statx(AT_FDCWD, root, 0).size(); // loads Stat
            ErrnoException missing = null;
            try {
                FileSyscalls.statx(AT_FDCWD, root + "/missing", 0);
            } catch (ErrnoException e) {
                missing = e;
            }
            String[] result = new String[5];
            result[0] = warmUp.get(0).name() + missing.errnoName();

            Mounts.chdir(root);
            Mounts.pivotRoot(".", ".");      // the old root is stacked under the new one...
            Mounts.umount2(".", MNT_DETACH); // ...and detached: no put_old directory needed
            Mounts.chdir("/");

            result[1] = String.valueOf(FileSyscalls.statx(AT_FDCWD, "/marker", 0).size());
            try (Fd d = FileSyscalls.openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)) {
                result[2] = FileSyscalls.listDirectory(d.value()).get(0).name()
                        + FileSyscalls.listDirectory(d.value()).size();
            }
            try {
                FileSyscalls.statx(AT_FDCWD, root, 0);
                result[3] = "the host path is still visible";
            } catch (ErrnoException e) {
                result[3] = e.errnoName();
            }
            try {
                Class.forName("io.jrun.linux.PivotProbe");
                result[4] = "loaded";
            } catch (ClassNotFoundException | NoClassDefFoundError e) {
                result[4] = "no class loading after pivot_root";
            }
            return result;
        });
        assertThat(seen[0]).isEqualTo("markerENOENT");
        assertThat(seen[1]).as("size of /marker seen by the pivoted thread").isEqualTo("7");
        assertThat(seen[2]).as("the new root holds only the marker").isEqualTo("marker0");
        assertThat(seen[3]).as("the host's temp dir, seen from the new root").isEqualTo("ENOENT");
        assertThat(seen[4]).isEqualTo("no class loading after pivot_root");
        // The rest of the JVM keeps the host root and never saw the tmpfs.
        assertThat(Path.of("/marker")).doesNotExist();
        assertThat(dir.resolve("marker")).doesNotExist();
        assertThat(Path.of("/proc/self/mountinfo")).exists();
        Throwaway.assertNoMountsUnder(dir);
    }

    @Test
    void chrootThroughADescriptorChangesTheRootOfOneThreadOnly() throws Exception {
        Files.writeString(dir.resolve("marker"), "chrooted");
        Files.createDirectory(dir.resolve("sub"));
        String[] seen = Throwaway.run(() -> {
            try (Fd root = FileSyscalls.openat(AT_FDCWD, dir.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0)) {
                try {
                    FileSyscalls.statx(AT_FDCWD, dir + "/missing", 0); // loads Stat and the errno classes
                } catch (ErrnoException e) {
                    // expected: the classes used after the chroot are loaded now
                }
                Namespaces.unshare(CLONE_FS); // else the chroot would move every thread of the JVM
                Mounts.fchdir(root.value());
                Mounts.chroot(".");
                Mounts.chdir("/sub");
                String[] result = new String[3];
                result[0] = String.valueOf(FileSyscalls.statx(AT_FDCWD, "/marker", 0).size());
                result[1] = String.valueOf(FileSyscalls.statx(AT_FDCWD, "..", 0).inode()
                        == FileSyscalls.statx(AT_FDCWD, "/", 0).inode());
                try {
                    FileSyscalls.statx(AT_FDCWD, dir.toString(), 0);
                    result[2] = "the host path is still visible";
                } catch (ErrnoException e) {
                    result[2] = e.errnoName();
                }
                return result;
            }
        });
        assertThat(seen[0]).as("size of /marker seen by the chrooted thread").isEqualTo("8");
        assertThat(seen[1]).as("/sub/.. is the new root").isEqualTo("true");
        assertThat(seen[2]).as("the host's temp dir, seen from the new root").isEqualTo("ENOENT");
        assertThat(Path.of("/marker")).doesNotExist();
        assertThat(Path.of("/proc/self/mountinfo")).exists();
    }

    @Test
    void theNewMountApiMountsBindsAndMakesReadOnly() throws Exception {
        String fresh = Files.createDirectory(dir.resolve("fresh")).toString();
        String bind = Files.createDirectory(dir.resolve("bind")).toString();
        String[] seen = Throwaway.run(() -> {
            privateMountNamespace();
            try (Fd context = Mounts.fsopen("tmpfs", FSOPEN_CLOEXEC)) {
                Mounts.fsconfigString(context.value(), "size", "1m");
                Mounts.fsconfigString(context.value(), "source", "jrun-fsmount");
                Mounts.fsconfigCreate(context.value());
                try (Fd mount = Mounts.fsmount(context.value(), FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV)) {
                    Mounts.moveMount(mount.value(), "", AT_FDCWD, fresh, MOVE_MOUNT_F_EMPTY_PATH);
                }
            }
            try (Fd file = create(fresh + "/a")) {
                FileSyscalls.write(file.value(), "A".getBytes(StandardCharsets.UTF_8));
            }
            // A bind mount through open_tree(OPEN_TREE_CLONE), then made read-only by mount_setattr.
            try (Fd tree = Mounts.openTree(AT_FDCWD, fresh, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) {
                Mounts.moveMount(tree.value(), "", AT_FDCWD, bind, MOVE_MOUNT_F_EMPTY_PATH);
            }
            String bindSees = Files.readString(Path.of(bind, "a"));
            Mounts.mountSetattr(AT_FDCWD, bind, 0, MOUNT_ATTR_RDONLY, 0, 0);
            String readOnlyWrite;
            try (Fd file = create(bind + "/b")) {
                readOnlyWrite = "written";
            } catch (ErrnoException e) {
                readOnlyWrite = e.errnoName();
            }
            try (Fd file = create(fresh + "/c")) {
                // the original mount stays writable: read-only is a property of the bind mount
            }
            String mountinfo = Files.readString(Path.of("/proc/thread-self/mountinfo"));
            return new String[] {bindSees, readOnlyWrite, String.valueOf(Files.exists(Path.of(bind, "c"))),
                    mountinfo.lines().filter(l -> l.contains(" " + fresh + " ")).findFirst().orElse("none"),
                    mountinfo.lines().filter(l -> l.contains(" " + bind + " ")).findFirst().orElse("none")};
        });
        assertThat(seen[0]).isEqualTo("A");
        assertThat(seen[1]).isEqualTo("EROFS");
        assertThat(seen[2]).as("a file made through the writable mount shows in the bind").isEqualTo("true");
        assertThat(seen[3]).contains(" rw,nodev").contains(" - tmpfs jrun-fsmount ");
        assertThat(seen[4]).contains(" ro,nodev").contains(" - tmpfs jrun-fsmount ");
        assertThat(dir.resolve("fresh/a")).doesNotExist();
        Throwaway.assertNoMountsUnder(dir);
    }

    @Test
    void overlayWithOneLowerdirPlusPerLayerHonoursOrderAndWhiteouts() throws Exception {
        // One fsconfig("lowerdir+") per layer (kernel 6.8+) instead of one comma-joined option
        // string, which mount(2) caps at a page: images with many layers still fit.
        String base = dir.toString();
        String[] seen = Throwaway.run(() -> {
            privateMountNamespace();
            Mounts.mount("jrun-layers", base, "tmpfs", 0, "size=4m");
            for (String d : new String[] {"top", "bottom", "upper", "work", "merged"}) {
                FileSyscalls.mkdirat(AT_FDCWD, base + "/" + d, 0755);
            }
            for (String layer : new String[] {"top", "bottom"}) {
                try (Fd f = create(base + "/" + layer + "/shared")) {
                    FileSyscalls.write(f.value(), layer.getBytes(StandardCharsets.UTF_8));
                }
            }
            try (Fd f = create(base + "/bottom/deleted-above")) {
                FileSyscalls.write(f.value(), "x".getBytes(StandardCharsets.UTF_8));
            }
            FileSyscalls.mknodat(AT_FDCWD, base + "/top/deleted-above", FileTypes.S_IFCHR | 0, 0); // a whiteout
            String merged = base + "/merged";
            try (Fd context = Mounts.fsopen("overlay", FSOPEN_CLOEXEC)) {
                Mounts.fsconfigString(context.value(), "lowerdir+", base + "/top");    // uppermost first
                Mounts.fsconfigString(context.value(), "lowerdir+", base + "/bottom");
                Mounts.fsconfigString(context.value(), "upperdir", base + "/upper");
                Mounts.fsconfigString(context.value(), "workdir", base + "/work");
                Mounts.fsconfigCreate(context.value());
                try (Fd mount = Mounts.fsmount(context.value(), FSMOUNT_CLOEXEC, 0)) {
                    Mounts.moveMount(mount.value(), "", AT_FDCWD, merged, MOVE_MOUNT_F_EMPTY_PATH);
                }
            }
            String shared = Files.readString(Path.of(merged, "shared"));
            boolean whitedOut = !Files.exists(Path.of(merged, "deleted-above"));
            try (Fd f = create(merged + "/new")) {
                FileSyscalls.write(f.value(), "new".getBytes(StandardCharsets.UTF_8));
            }
            String inUpper = Files.readString(Path.of(base, "upper", "new"));
            Mounts.umount2(merged, MNT_DETACH);
            return new String[] {shared, String.valueOf(whitedOut), inUpper};
        });
        assertThat(seen).containsExactly("top", "true", "new");
        assertThat(dir.resolve("upper")).doesNotExist();
    }

    @Test
    void procForAnotherPidNamespaceThroughFsconfigPidns() throws Exception {
        // Kernel 6.15+: /proc for a pid namespace the caller is not in, with no helper process.
        long[] child = {0};
        try {
            String[] seen = Throwaway.run(() -> {
                privateMountNamespace();
                Namespaces.unshare(CLONE_NEWPID); // for children only: this thread stays in the host's
                // Until a first process (its pid 1, the reaper) exists, the new namespace cannot be
                // opened: /proc/thread-self/ns/pid_for_children gives ENOENT.
                String beforeChild;
                try (Fd early = FileSyscalls.openat(AT_FDCWD, "/proc/thread-self/ns/pid_for_children", O_RDONLY | O_CLOEXEC, 0)) {
                    beforeChild = "opened";
                } catch (ErrnoException e) {
                    beforeChild = e.errnoName();
                }
                // posix_spawn clones from this thread: the child becomes pid 1 in the new namespace.
                // (ProcessBuilder cannot be used here: it starts a reaper thread, and a thread whose
                // pid_ns_for_children differs from its own pid namespace cannot create threads.)
                try (Spawn.FileActions actions = new Spawn.FileActions().closeFrom(3)) {
                    child[0] = Spawn.spawn("/bin/sleep", List.of("sleep", "600"), List.of(), actions, 0, 0);
                }
                try (Fd pidns = FileSyscalls.openat(AT_FDCWD, "/proc/" + child[0] + "/ns/pid", O_RDONLY | O_CLOEXEC, 0);
                     Fd context = Mounts.fsopen("proc", FSOPEN_CLOEXEC)) {
                    Mounts.fsconfigFd(context.value(), "pidns", pidns.value());
                    Mounts.fsconfigCreate(context.value());
                    try (Fd proc = Mounts.fsmount(context.value(), FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
                         Fd root = FileSyscalls.openat(proc.value(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)) {
                        String pids = String.join(",", FileSyscalls.listDirectory(root.value()).stream()
                                .map(FileSyscalls.DirectoryEntry::name).filter(n -> n.matches("\\d+")).sorted().toList());
                        String self;
                        try {
                            self = FileSyscalls.readlinkat(proc.value(), "self");
                        } catch (ErrnoException e) {
                            self = e.call() + " " + e.errnoName();
                        }
                        String comm;
                        try (Fd f = FileSyscalls.openat(proc.value(), "1/comm", O_RDONLY | O_CLOEXEC, 0)) {
                            comm = Files.readString(Path.of("/proc/self/fd/" + f.value())).strip();
                        }
                        return new String[] {beforeChild, pids, self, comm};
                    }
                }
            });
            assertThat(seen[0]).as("pid_for_children before the first child").isEqualTo("ENOENT");
            assertThat(seen[1]).as("processes in the new pid namespace").isEqualTo("1");
            // This thread is not in that namespace, so it has no pid there: "self" dangles.
            assertThat(seen[2]).isEqualTo("readlinkat ENOENT");
            assertThat(seen[3]).isEqualTo("sleep");
            try (var host = Files.list(Path.of("/proc"))) {
                assertThat(host.filter(p -> p.getFileName().toString().matches("\\d+")).count()).isGreaterThan(1);
            }
        } finally {
            if (child[0] > 0) {
                Processes.kill(child[0], Processes.SIGKILL);
                assertThat(Processes.wait4(child[0], 0).signal()).isEqualTo(Processes.SIGKILL);
            }
        }
    }

    @Test
    void errorsNameTheCallThePathAndTheErrno() throws Exception {
        String plainDir = Files.createDirectory(dir.resolve("not-a-mount")).toString();
        Throwaway.run(() -> {
            privateMountNamespace();
            // A directory on the current root's own mount: the "same file system" check comes first.
            assertThatThrownBy(() -> Mounts.pivotRoot(plainDir, plainDir))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> {
                        assertThat(e.call()).isEqualTo("pivot_root");
                        assertThat(e.errnoName()).isEqualTo("EBUSY");
                    });
            // A directory inside another mount, but not a mount point itself: EINVAL.
            Mounts.mount("jrun-test", plainDir, "tmpfs", 0, "size=1m");
            String sub = plainDir + "/sub";
            FileSyscalls.mkdirat(AT_FDCWD, sub, 0755);
            assertThatThrownBy(() -> Mounts.pivotRoot(sub, sub))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> {
                        assertThat(e.call()).isEqualTo("pivot_root");
                        assertThat(e.path()).isEqualTo(sub);
                        assertThat(e.errnoName()).isEqualTo("EINVAL");
                        assertThat(e.getMessage()).isEqualTo("pivot_root \"" + sub + "\": Invalid argument (EINVAL)");
                    });
            assertThatThrownBy(() -> Mounts.umount2(sub, MNT_DETACH))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EINVAL"));
            assertThatThrownBy(() -> Mounts.mount("x", sub, "no-such-fs", 0, null))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("ENODEV");
                        assertThat(e.path()).isEqualTo(sub);
                    });
            assertThatThrownBy(() -> Mounts.fsopen("no-such-fs", FSOPEN_CLOEXEC))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("ENODEV"));
            try (Fd context = Mounts.fsopen("tmpfs", FSOPEN_CLOEXEC)) {
                assertThatThrownBy(() -> Mounts.fsconfigString(context.value(), "size", "lots"))
                        .isInstanceOfSatisfying(ErrnoException.class, e -> {
                            assertThat(e.errnoName()).isEqualTo("EINVAL");
                            assertThat(e.call()).startsWith("fsconfig size [").contains("size");
                            assertThat(e.path()).isEqualTo("lots");
                        });
            }
            return null;
        });
    }
}
