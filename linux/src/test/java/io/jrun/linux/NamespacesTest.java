package io.jrun.linux;

import static io.jrun.linux.Mounts.MS_PRIVATE;
import static io.jrun.linux.Mounts.MS_REC;
import static io.jrun.linux.Namespaces.CLONE_FS;
import static io.jrun.linux.Namespaces.CLONE_NEWNS;
import static io.jrun.linux.Namespaces.CLONE_NEWUTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Namespaces are per thread: the root tests against the real kernel. */
@org.junit.jupiter.api.extension.ExtendWith(HostMountsUnchanged.class)
class NamespacesTest {
    @TempDir
    Path dir;


    @Test
    void aMountNamespaceBelongsToOneThreadAndDiesWithIt() throws Exception {
        String target = dir.toString();
        CountDownLatch mounted = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        long[] tid = new long[1];
        String[] threadView = new String[1];
        String[] namespace = new String[1];
        String hostNamespace = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/mnt")).toString();
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                tid[0] = Processes.gettid();
                Namespaces.unshare(CLONE_FS | CLONE_NEWNS);
                Mounts.mount(null, "/", null, MS_REC | MS_PRIVATE, null);
                Mounts.mount("jrun-test", target, "tmpfs", Mounts.MS_NOSUID | Mounts.MS_NODEV, "size=1m");
                threadView[0] = Files.readString(Path.of("/proc/thread-self/mountinfo"));
                namespace[0] = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/mnt")).toString();
            } catch (Exception e) {
                threadView[0] = e.toString();
            } finally {
                mounted.countDown();
            }
            try {
                checked.await(); // keep the namespace alive while the main thread looks
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        mounted.await();
        try {
            assertThat(threadView[0]).contains(" " + target + " ").contains(" - tmpfs jrun-test ");
            assertThat(namespace[0]).startsWith("mnt:[").isNotEqualTo(hostNamespace);
            // The same process, another thread: neither the leader's view nor this thread's has it.
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(" " + target + " ");
            assertThat(Files.readString(Path.of("/proc/thread-self/mountinfo"))).doesNotContain(" " + target + " ");
            // ...but the kernel shows it under that thread's own task directory.
            assertThat(Files.readString(Path.of("/proc/self/task/" + tid[0] + "/mountinfo")))
                    .contains(" " + target + " ");
        } finally {
            checked.countDown();
            thread.join();
        }
        // Thread.join returns before the kernel task is gone: wait for it, then no task holds the namespace.
        Path task = Path.of("/proc/self/task/" + tid[0]);
        for (int i = 0; i < 1000 && Files.exists(task); i++) {
            Thread.sleep(10);
        }
        assertThat(task).as("the throw-away thread's task").doesNotExist();
        assertThat(tasksIn(namespace[0])).as("tasks still in " + namespace[0]).isZero();
        Throwaway.assertNoMountsUnder(dir);
    }

    private static long tasksIn(String namespace) throws IOException {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .flatMap(p -> {
                        try (Stream<Path> tasks = Files.list(p.resolve("task"))) {
                            return tasks.toList().stream();
                        } catch (IOException | RuntimeException e) {
                            return Stream.empty(); // the process ended meanwhile
                        }
                    })
                    .filter(t -> {
                        try {
                            return Files.readSymbolicLink(t.resolve("ns/mnt")).toString().equals(namespace);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .count();
        }
    }

    @Test
    void hostnameChangesOnlyInTheThreadsUtsNamespace() throws Exception {
        String host = Namespaces.hostname();
        assertThat(host).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
        String name = "jrun-h6-" + ProcessHandle.current().pid();
        String[] seen = Throwaway.run(() -> {
            Namespaces.unshare(CLONE_NEWUTS);
            Namespaces.sethostname(name);
            return new String[] {Namespaces.hostname(), Files.readString(Path.of("/proc/sys/kernel/hostname")).strip()};
        });
        assertThat(seen).containsExactly(name, name);
        assertThat(host).isNotEqualTo(name);
        assertThat(Namespaces.hostname()).isEqualTo(host);
        assertThat(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip()).isEqualTo(host);
    }

    @Test
    void setnsJoinsAnotherThreadsNamespaceKeptAliveByItsFd() throws Exception {
        String name = "jrun-setns-" + ProcessHandle.current().pid();
        int utsFd = Throwaway.run(() -> {
            Namespaces.unshare(CLONE_NEWUTS);
            Namespaces.sethostname(name);
            return FileSyscalls.openat(AtFlags.AT_FDCWD, "/proc/thread-self/ns/uts", OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0).value();
        });
        try (Fd uts = new Fd(utsFd)) {
            // The thread that made it has ended; the fd alone keeps the namespace.
            String joined = Throwaway.run(() -> {
                Namespaces.setns(uts.value(), CLONE_NEWUTS);
                return Namespaces.hostname();
            });
            assertThat(joined).isEqualTo(name);
            assertThat(Namespaces.hostname()).isNotEqualTo(name);
        }
    }

    @Test
    void setnsIntoAMountNamespaceNeedsUnshareCloneFsFirst() throws Exception {
        int mntFd = Throwaway.run(() -> {
            Namespaces.unshare(CLONE_NEWNS);
            return FileSyscalls.openat(AtFlags.AT_FDCWD, "/proc/thread-self/ns/mnt", OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0).value();
        });
        try (Fd mnt = new Fd(mntFd)) {
            long wanted = FileSyscalls.statx(mnt.value(), "", AtFlags.AT_EMPTY_PATH).inode();
            long joined = Throwaway.run(() -> {
                // Still sharing the fs_struct (root, cwd) with the JVM's other threads: refused.
                assertThatThrownBy(() -> Namespaces.setns(mnt.value(), CLONE_NEWNS))
                        .isInstanceOfSatisfying(ErrnoException.class, e -> {
                            assertThat(e.errnoName()).isEqualTo("EINVAL");
                            assertThat(e.call()).isEqualTo("setns");
                        });
                Namespaces.unshare(CLONE_FS);
                Namespaces.setns(mnt.value(), CLONE_NEWNS);
                return Namespaces.inode("/proc/thread-self/ns/mnt");
            });
            assertThat(joined).isEqualTo(wanted);
            assertThat(Namespaces.inode("/proc/thread-self/ns/mnt")).isNotEqualTo(wanted);
        }
    }

    @Test
    void setnsWithAPidfdJoinsSeveralNamespacesAtOnceAndTheirRoot() throws Exception {
        String name = "jrun-pidfd-" + ProcessHandle.current().pid();
        // a process with its own UTS and mount namespaces, and a file only its namespace sees
        Process other = new ProcessBuilder("unshare", "--uts", "--mount", "--propagation", "private", "sh", "-c",
                "hostname " + name + " && mount -t tmpfs jrun-test " + dir + " && echo inside > " + dir
                        + "/only-there && echo ready && exec sleep 600")
                .redirectErrorStream(true).start();
        try {
            String ready = new String(other.getInputStream().readNBytes(6), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(ready).as("the other process's start").isEqualTo("ready\n");
            long otherMnt = Namespaces.inode("/proc/" + other.pid() + "/ns/mnt");
            try (Fd pidfd = Processes.pidfdOpen(other.pid())) {
                String[] seen = Throwaway.run(() -> {
                    Files.exists(dir); // loads what is used below
                    Namespaces.unshare(CLONE_FS); // setns(mnt) sets the root and cwd: this thread's only
                    Namespaces.setns(pidfd.value(), CLONE_NEWNS | CLONE_NEWUTS);
                    return new String[] {Namespaces.hostname(), String.valueOf(Namespaces.inode("/proc/thread-self/ns/mnt")),
                            Files.readString(dir.resolve("only-there")), Path.of("").toAbsolutePath().toString(),
                            String.valueOf(FileSyscalls.statx(AtFlags.AT_FDCWD, ".", 0).inode()
                                    == FileSyscalls.statx(AtFlags.AT_FDCWD, "/", 0).inode())};
                });
                assertThat(seen[0]).isEqualTo(name);
                assertThat(Long.parseLong(seen[1])).isEqualTo(otherMnt);
                assertThat(seen[2]).isEqualTo("inside\n");
                assertThat(seen[4]).as("the working directory is the namespace's root").isEqualTo("true");
            }
            assertThat(Namespaces.hostname()).isNotEqualTo(name);
            assertThat(dir.resolve("only-there")).doesNotExist();
        } finally {
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    void aUserNamespaceCannotBeUnsharedFromTheMultithreadedJvm() throws Exception {
        Throwaway.run(() -> {
            assertThatThrownBy(() -> Namespaces.unshare(Namespaces.CLONE_NEWUSER))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EINVAL"));
            return null;
        });
    }

    @Test
    void aThreadWithANewPidNamespaceForChildrenCannotStartThreads() throws Exception {
        String[] seen = Throwaway.run(() -> {
            Namespaces.unshare(Namespaces.CLONE_NEWPID);
            try {
                Thread.ofPlatform().start(() -> { }).join();
                return new String[] {"started"};
            } catch (OutOfMemoryError e) {
                // clone(CLONE_THREAD) is EINVAL once pid_ns_for_children differs from the
                // thread's own pid namespace; the JVM reports it as an OutOfMemoryError.
                return new String[] {e.getMessage()};
            }
        });
        assertThat(seen[0]).startsWith("unable to create native thread");
        Thread.ofPlatform().start(() -> { }).join(); // other threads are unaffected
    }
}
