package io.jrun.linux;

import static io.jrun.linux.AtFlags.AT_FDCWD;
import static io.jrun.linux.OpenFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** posix_spawn against the real C library and kernel; every child is waited for. */
class SpawnTest {
    private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin");

    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        assertThat(ProcessHandle.current().children().toList()).as("children left behind").isEmpty();
    }

    private long sh(String script, Path output, boolean closeInherited) throws Exception {
        try (Spawn.FileActions actions = new Spawn.FileActions()) {
            actions.open(1, output.toString(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (closeInherited) {
                actions.closeFrom(3);
            }
            return Spawn.spawn("/bin/sh", List.of("sh", "-c", script), ENV, actions, 0, 0);
        }
    }

    @Test
    void exitCodesAndSignalsComeBackThroughWait4() throws Exception {
        Path out = dir.resolve("out");
        long pid = sh("echo hello from $0; exit 42", out, true);
        Processes.ExitStatus status = Processes.wait4(pid, 0);
        assertThat(status.pid()).isEqualTo(pid);
        assertThat(status.exitCode()).isEqualTo(42);
        assertThat(status.signal()).isZero();
        assertThat(Files.readString(out)).isEqualTo("hello from sh\n");

        long killed = sh("kill -TERM $$; sleep 5", out, true);
        Processes.ExitStatus death = Processes.wait4(killed, 0);
        assertThat(death.signal()).isEqualTo(Processes.SIGTERM);
        assertThat(death.shellCode()).isEqualTo(143);
    }

    @Test
    void aMissingProgramIsAnErrnoNamingIt() {
        assertThatThrownBy(() -> Spawn.spawn("/no/such/program", List.of("x"), ENV, null, 0, 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> {
                    assertThat(e.call()).isEqualTo("posix_spawn");
                    assertThat(e.path()).isEqualTo("/no/such/program");
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                });
    }

    /** The descriptors a running process holds, from /proc/PID/fd. */
    private static List<String> descriptors(long pid) throws Exception {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The descriptors of a process once it sleeps (no open file of ld.so left), waiting up to 10 s. */
    private static List<String> settledDescriptors(long pid) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> fds = descriptors(pid);
        while (fds.size() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
            fds = descriptors(pid);
        }
        return fds;
    }

    private static void killAndReap(long pid) throws ErrnoException {
        Processes.kill(pid, Processes.SIGKILL);
        assertThat(Processes.wait4(pid, 0).signal()).isEqualTo(Processes.SIGKILL);
    }

    @Test
    void closeFromKeepsTheJvmsDescriptorsOutAndTheChildStartsUnblockedInANewSession() throws Exception {
        // posix_spawn returns once the child has exec'd (CLONE_VFORK): /proc/PID shows sleep itself.
        try (Fd leaky = FileSyscalls.openat(AT_FDCWD, dir.toString(), O_RDONLY | O_DIRECTORY, 0)) { // no O_CLOEXEC
            long inheriting = Spawn.spawn("/bin/sleep", List.of("sleep", "600"), ENV, null, 0, 0);
            try {
                assertThat(descriptors(inheriting)).as("without closeFrom").contains(String.valueOf(leaky.value()));
            } finally {
                killAndReap(inheriting);
            }
            long pid;
            try (Spawn.FileActions actions = new Spawn.FileActions()) {
                actions.open(0, "/dev/null", O_RDONLY, 0).closeFrom(1);
                pid = Spawn.spawn("/bin/sleep", List.of("sleep", "600"), ENV, actions, Spawn.POSIX_SPAWN_SETSID, 0);
            }
            try {
                // The child's dynamic loader may still hold a library open for a moment after
                // exec; what matters is what sleep keeps once it is asleep.
                assertThat(settledDescriptors(pid)).containsExactly("0");
                assertThat(Throwaway.statusField("/proc/" + pid + "/status", "SigBlk")).isEqualTo("0000000000000000");
                assertThat(Throwaway.statusField("/proc/" + pid + "/status", "SigIgn")).isEqualTo("0000000000000000");
                String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).split(" ");
                assertThat(stat[1]).isEqualTo("(sleep)");
                assertThat(stat[5]).as("session id").isEqualTo(String.valueOf(pid));
                assertThat(stat[4]).as("process group").isEqualTo(String.valueOf(pid));
            } finally {
                killAndReap(pid);
            }
        }
    }

    @Test
    void aFifoGateHoldsTheChildBeforeExecAndItsPidIsFoundThroughTheSpawningThread() throws Exception {
        String fifo = dir.resolve("gate").toString();
        FileSyscalls.mknodat(AT_FDCWD, fifo, FileTypes.S_IFIFO | 0600, 0);
        Path out = dir.resolve("out");
        long[] tid = {0};
        long[] spawned = {0};
        Thread spawner = Thread.ofPlatform().start(() -> {
            try {
                tid[0] = Processes.gettid();
                try (Spawn.FileActions actions = new Spawn.FileActions()) {
                    actions.open(3, fifo, O_RDONLY, 0) // the gate: blocks until a writer opens the FIFO
                            .open(1, out.toString(), O_WRONLY | O_CREAT | O_TRUNC, 0644)
                            .closeFrom(3);
                    spawned[0] = Spawn.spawn("/bin/sh", List.of("sh", "-c", "echo released"), ENV, actions, 0, 0);
                }
            } catch (ErrnoException e) {
                spawned[0] = -e.errno();
            }
        });
        while (tid[0] == 0) {
            Thread.onSpinWait();
        }
        Path children = Path.of("/proc/self/task/" + tid[0] + "/children");
        String child = "";
        for (int i = 0; i < 1000 && child.isEmpty(); i++) {
            child = Files.readString(children).strip();
            if (child.isEmpty()) {
                Thread.sleep(10);
            }
        }
        try {
            assertThat(child).as("the gated child of the spawning thread").matches("\\d+");
            Thread.sleep(100); // give a wrongly ungated child time to run
            assertThat(spawner.isAlive()).as("posix_spawn blocks while the child waits (CLONE_VFORK)").isTrue();
            assertThat(out).as("the file action after the gate").doesNotExist();
            assertThat(Files.readString(Path.of("/proc/" + child + "/comm")).strip()).isNotEqualTo("sh");
            assertThat(Processes.blockedInOpenat(Long.parseLong(child))).as("the child sleeps in the gate's openat").isTrue();
            assertThat(Processes.blockedInOpenat(Processes.getpid())).as("a running process").isFalse();
        } finally {
            try (Fd release = FileSyscalls.openat(AT_FDCWD, fifo, O_WRONLY | O_CLOEXEC, 0)) {
                // opening the write end releases the child's open
            }
            spawner.join();
        }
        assertThat(spawned[0]).isEqualTo(Long.parseLong(child));
        assertThat(Processes.wait4(spawned[0], 0).exitCode()).isZero();
        assertThat(Files.readString(out)).isEqualTo("released\n");
    }
}
