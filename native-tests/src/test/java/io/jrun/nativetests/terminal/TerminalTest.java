package io.jrun.nativetests.terminal;

import io.jrun.images.FetchOptions;
import io.jrun.images.Images;
import io.jrun.images.fetch.FetchListener;
import io.jrun.images.store.ImageRecord;
import io.jrun.images.store.ImageUsage;
import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;
import io.jrun.linux.Termios;
import io.jrun.linux.Terminals;
import io.jrun.linux.WindowSize;
import io.jrun.nativetests.harness.LaunchCgroups;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.runtime.launch.LaunchContext;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.prepare.SpecPreparer;
import io.jrun.runtime.seccomp.SeccompCache;
import io.jrun.runtime.spec.Annotations;
import io.jrun.runtime.spec.CapabilitySets;
import io.jrun.runtime.spec.ConsoleSize;
import io.jrun.runtime.spec.Process;
import io.jrun.runtime.spec.Root;
import io.jrun.runtime.spec.Spec;
import io.jrun.runtime.launch.Launcher;
import io.jrun.runtime.launch.RunningContainer;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.terminal.HostTerminal;
import io.jrun.runtime.terminal.TerminalSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Containers with a terminal ({@code jrun run -t}, {@code -it}) against the real kernel, as
 * root, with the busybox test image. The test plays the user's terminal with a pseudo-terminal
 * pair of its own ({@link UserTerminal}); the container's terminal comes from its own devpts.
 */
class TerminalTest {
    private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm");

    @TempDir
    static Path state;
    private static List<Path> layers;
    private static LaunchCgroups cgroups;

    @TempDir
    Path dir;
    private String mountsBefore;

    @BeforeAll
    static void fetchBusybox() throws IOException {
        Images images = Images.open(state, ImageUsage.NONE);
        ImageRecord record = images.fetch("oci:" + TestImages.layout("busybox") + ":latest",
                FetchOptions.defaults(), FetchListener.SILENT);
        layers = images.inspect(record.name()).layerRoots();
        cgroups = LaunchCgroups.create();
    }

    @AfterAll
    static void removeCgroups() throws IOException {
        cgroups.close();
    }

    @BeforeEach
    void recordMounts() throws IOException {
        mountsBefore = Files.readString(Path.of("/proc/self/mountinfo"));
    }

    @AfterEach
    void nothingLeft() throws IOException {
        assertThat(ProcessHandle.current().children().toList()).as("processes left behind").isEmpty();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).as("the host's mount table").isEqualTo(mountsBefore);
        cgroups.removeAll();
    }

    /**
     * After a test, pass or fail, the container is gone: a test that fails (the app never sees
     * the key or the signal it waits for) must not hang on it. SIGKILL is a no-op once reaped.
     */
    private static void killAndReap(RunningContainer container) throws ErrnoException {
        container.signal(Processes.SIGKILL);
        container.waitForExit();
    }

    /** A launch of {@code script} as {@code user}: on a terminal of {@code size}, or with {@code stdio} when size is null. */
    private RunningContainer launch(String user, WindowSize size, Stdio stdio, String script) throws IOException, LaunchException {
        Path container = Files.createTempDirectory(dir, "container");
        Path upper = Files.createDirectory(container.resolve("upper"));
        Path work = Files.createDirectory(container.resolve("work"));
        Path rootfs = Files.createDirectory(container.resolve("rootfs"));
        Spec.Builder spec = Spec.builder()
                .root(new Root(rootfs.toString(), false))
                .hostname("tty-test")
                .mounts(SpecPreparer.defaultMounts(layers, upper, work, false, false))
                .linux(SpecPreparer.defaultLinux(false, false).cgroupsPath(cgroups.nextPath()).build())
                .process(Process.builder().args("/bin/sh", "-c", script).env(ENV).cwd("/")
                        .terminal(size != null).consoleSize(size == null ? null : new ConsoleSize(size.rows(), size.columns()))
                        .capabilities(CapabilitySets.of(SpecPreparer.DEFAULT_CAPABILITIES)).noNewPrivileges(true).build());
        if (!user.isEmpty()) {
            spec.annotation(Annotations.USER, user);
        }
        LaunchContext context = LaunchContext.builder().id("tty-test").bundle(container).gateDir(container.resolve("gate"))
                .stdio(stdio == null ? Stdio.inherit() : stdio).seccompCache(new SeccompCache(container.resolve("seccomp")))
                .build();
        return Launcher.create(spec.build(), context).start().container();
    }

    @Test
    void theAppHasTheContainersPts0AsItsControllingTerminalOfTheHostsSize() throws Exception {
        // docker run -t (no -i) > file: the output goes to a file, the size comes from the terminal
        Path output = dir.resolve("output");
        try (UserTerminal user = UserTerminal.open(WindowSize.of(33, 111));
             Fd file = FileSyscalls.openat(AtFlags.AT_FDCWD, output.toString(),
                     OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_CLOEXEC, 0644)) {
            HostTerminal host = new HostTerminal(user.slaveFd(), file.value());
            Termios before = Terminals.attributes(user.slaveFd());
            RunningContainer container = launch("", host.windowSize(), null,
                    "tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo 0-1-2-are-terminals; "
                            + "(exec 3</dev/tty) && echo has-a-controlling-terminal; stty size; "
                            + "cut -d' ' -f5-7 /proc/1/stat; ls -1 /dev/pts");
            try (TerminalSession session = TerminalSession.attach(container, host, false)) {
                assertThat(Terminals.attributes(user.slaveFd())).as("-t without -i leaves the user's terminal cooked")
                        .isEqualTo(before);
                assertThat(session.awaitExit()).isZero();
            } finally {
                killAndReap(container);
            }
            // pgrp 1, session 1 (POSIX_SPAWN_SETSID), tty_nr 136:0 = /dev/pts/0; NL became CR NL
            assertThat(Files.readString(output)).isEqualTo("/dev/pts/0\r\n0-1-2-are-terminals\r\n"
                    + "has-a-controlling-terminal\r\n33 111\r\n1 1 34816\r\n0\r\nptmx\r\n");
            assertThat(Terminals.attributes(user.slaveFd())).isEqualTo(before);
            assertThat(user.screen()).as("nothing on the user's terminal: output went to the file").isEmpty();
        }
    }

    @Test
    void interactiveKeysReachTheAppThroughTheContainersLineDiscipline() throws Exception {
        try (UserTerminal user = UserTerminal.open(WindowSize.of(24, 80))) {
            Termios before = Terminals.attributes(user.slaveFd());
            assertThat(before.localModes() & Termios.ICANON).as("the user's terminal starts cooked").isNotZero();
            RunningContainer container = launch("", user.host().windowSize(), null,
                    "echo ready; read line; echo \"got:$line\"; exit 5");
            try (TerminalSession session = TerminalSession.attach(container, user.host(), true)) {
                assertThat(Terminals.attributes(user.slaveFd())).as("raw while attached").isEqualTo(before.raw());
                user.awaitScreen("ready\r\n");
                user.type("hello\r");
                user.awaitScreen("got:");
                assertThat(session.awaitExit()).isEqualTo(5);
            } finally {
                killAndReap(container);
            }
            // no local echo (raw): "hello" is echoed by the container's terminal, CR read as NL
            assertThat(user.screen()).isEqualTo("ready\r\nhello\r\ngot:hello\r\n");
            assertThat(Terminals.attributes(user.slaveFd())).as("the user's terminal restored").isEqualTo(before);
        }
    }

    @Test
    void ctrlCIsASigintInsideTheContainerNotForJrun() throws Exception {
        try (UserTerminal user = UserTerminal.open(WindowSize.of(24, 80))) {
            RunningContainer container = launch("", user.host().windowSize(), null,
                    "trap 'echo interrupted; exit 3' INT; echo ready; sleep 1000 & wait");
            try (TerminalSession session = TerminalSession.attach(container, user.host(), true)) {
                user.awaitScreen("ready\r\n");
                user.type("\u0003");
                user.awaitScreen("interrupted");
                assertThat(session.awaitExit()).isEqualTo(3);
            } finally {
                killAndReap(container);
            }
            assertThat(user.screen()).isEqualTo("ready\r\n^Cinterrupted\r\n");
        }
    }

    @Test
    void aResizeOfTheUsersWindowReachesTheAppAsSigwinch() throws Exception {
        try (UserTerminal user = UserTerminal.open(WindowSize.of(24, 80))) {
            RunningContainer container = launch("", user.host().windowSize(), null,
                    "trap 'stty size; exit 0' WINCH; stty size; echo ready; sleep 1000 & wait");
            try (TerminalSession session = TerminalSession.attach(container, user.host(), true)) {
                user.awaitScreen("ready\r\n");
                user.resize(WindowSize.of(50, 132));
                // A real terminal is jrun's controlling terminal and the kernel signals jrun's
                // process group; the test's pty is not, so the test sends the signal itself.
                Processes.kill(Processes.getpid(), Processes.SIGWINCH);
                user.awaitScreen("50 132\r\n");
                assertThat(session.awaitExit()).isZero();
            } finally {
                killAndReap(container);
            }
            assertThat(user.screen()).isEqualTo("24 80\r\nready\r\n50 132\r\n");
        }
    }

    @Test
    void anotherUserOwnsItsTerminal() throws Exception {
        Path output = dir.resolve("output");
        try (UserTerminal user = UserTerminal.open(WindowSize.of(24, 80));
             Fd file = FileSyscalls.openat(AtFlags.AT_FDCWD, output.toString(),
                     OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_CLOEXEC, 0644)) {
            HostTerminal host = new HostTerminal(user.slaveFd(), file.value());
            RunningContainer container = launch("1000:1000", host.windowSize(), null,
                    "id -u; tty; (exec 3</dev/tty) && echo has-a-controlling-terminal; stat -c '%u %g %a' /dev/pts/0");
            try (TerminalSession session = TerminalSession.attach(container, host, false)) {
                assertThat(session.awaitExit()).isZero();
            } finally {
                killAndReap(container);
            }
            // the slave is the app's, group tty, mode 0620, as with runc
            assertThat(Files.readString(output)).isEqualTo("1000\r\n/dev/pts/0\r\nhas-a-controlling-terminal\r\n1000 5 620\r\n");
        }
    }

    @Test
    void closingTheSessionEarlyRestoresTheUsersTerminalAndLeavesTheContainerRunning() throws Exception {
        try (UserTerminal user = UserTerminal.open(WindowSize.of(24, 80))) {
            Termios before = Terminals.attributes(user.slaveFd());
            // sleep as pid 1 has no SIGHUP handler: the hang-up of its terminal does not end it
            RunningContainer container = launch("", user.host().windowSize(), null,
                    "echo ready; exec sleep 1000");
            try {
                TerminalSession session = TerminalSession.attach(container, user.host(), true);
                user.awaitScreen("ready\r\n");
                assertThat(Terminals.attributes(user.slaveFd())).isEqualTo(before.raw());
                session.close();
                assertThat(Terminals.attributes(user.slaveFd())).isEqualTo(before);
                // not wait4: that would reap it behind the RunningContainer's back
                assertThat(Files.readString(Path.of("/proc/" + container.pid() + "/stat")).split(" ")[2])
                        .as("the container's state").isIn("S", "R");
                session.close(); // again: nothing happens
                assertThatThrownBy(() -> TerminalSession.attach(container, user.host(), true))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("attach once");
                container.signal(Processes.SIGKILL);
                assertThat(container.waitForExit()).isEqualTo(137);
            } finally {
                killAndReap(container);
            }
        }
    }

    @Test
    void attachingToAContainerWithoutATerminalIsRefused() throws Exception {
        Path output = dir.resolve("output");
        RunningContainer container = launch("", null, Stdio.toFile(output), "echo plain");
        try {
            assertThat(container.terminal()).isEmpty();
            assertThatThrownBy(() -> TerminalSession.attach(container, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("terminal");
            assertThat(container.waitForExit()).isZero();
        } finally {
            killAndReap(container);
        }
        assertThat(output).hasContent("plain\n");
    }
}
