package io.jrun.runtime.launch;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Namespaces;
import io.jrun.linux.Pipes;
import io.jrun.linux.Processes;
import io.jrun.linux.Spawn;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A proc fs context for a pid namespace on kernels without fsconfig "pidns" (before 6.15), from
 * a short-lived helper process inside that namespace ({@link ProcHelperMain}).
 *
 * <p>Why this shape:
 * <ul>
 * <li>Only a process whose active pid namespace is the container's can make the context, and
 *     the only one there is the gated app, which runs no code of ours. A throw-away thread
 *     does {@code setns(pidns, CLONE_NEWPID)}, after which its children are born there, and
 *     posix_spawns the helper (the thread then cannot create threads, and does not need to).</li>
 * <li>jrun has no C helper binary, so the helper is a JVM running a tiny main from jrun's own
 *     class path, tuned to start fast. It starts in the host's mount namespace (the thread has
 *     not joined the container's) so it finds the JDK; being in the container's pid namespace
 *     it gets pid 2 there, and its threads the next few numbers.</li>
 * <li>It only calls fsopen and hands over the descriptor: jrun takes it with pidfd_getfd
 *     (a pidfd also makes killing it immune to pid reuse) and does fsconfig, create and
 *     fsmount itself, so their errors and the kernel's messages are jrun's, with nothing of the
 *     container involved. Passing the descriptor over a socket (SCM_RIGHTS) would need sockets
 *     in the helper for no gain.</li>
 * <li>It is killed and reaped as soon as the descriptor is taken, and on every failure, always
 *     before the gate opens: the app never sees it. If jrun dies instead, the helper's stdin
 *     ends and it exits by itself; if the container's pid 1 dies, the kernel kills the whole
 *     pid namespace, the helper included.</li>
 * </ul>
 */
final class ProcHelper {
    /** What the helper may print besides its report (JVM errors): kept for the error message. */
    private static final int OUTPUT_MAX = 8192;

    private ProcHelper() {
    }

    /** Spawns the helper in the pid namespace {@code pidNsFd} and returns the proc context it opened. */
    static Fd fsContextIn(int pidNsFd) throws IOException {
        List<String> command = command();
        try (Pipes.Pipe toHelper = Pipes.pipe(); Pipes.Pipe fromHelper = Pipes.pipe()) {
            long pid = spawnIn(pidNsFd, command, toHelper.readEnd().value(), fromHelper.writeEnd().value());
            Fd pidfd = null;
            String output;
            Processes.ExitStatus status;
            try {
                pidfd = Processes.pidfdOpen(pid);
                // Only the helper holds these now: end-of-file on its stdout means it has gone (or closed it).
                toHelper.readEnd().close();
                fromHelper.writeEnd().close();
                output = readReport(fromHelper.readEnd().value());
                int remote = reportedFd(output);
                if (remote >= 0) {
                    return Processes.pidfdGetfd(pidfd.value(), remote);
                }
            } finally {
                status = end(pid, pidfd);
            }
            String how = status == null ? "ended" : status.signal() != 0 ? "was killed by signal " + status.signal()
                    : "exited with code " + status.exitCode();
            throw new IOException("the /proc helper (" + command.getFirst() + ") " + how
                    + " without opening a proc context" + (output.isBlank() ? "" : ": " + output.strip().replace('\n', ' ')));
        }
    }

    /**
     * posix_spawns the helper from a throw-away thread that has joined the pid namespace
     * (the caller stays able to create threads), with stdin and stdout/stderr on the pipes.
     */
    private static long spawnIn(int pidNsFd, List<String> command, int stdin, int stdout) throws IOException {
        FutureTask<Long> spawn = new FutureTask<>(() -> {
            Namespaces.setns(pidNsFd, Namespaces.CLONE_NEWPID);
            try (Spawn.FileActions actions = new Spawn.FileActions()) {
                actions.dup2(stdin, 0).dup2(stdout, 1).dup2(stdout, 2).closeFrom(3);
                // its own session: the terminal's signals are for jrun and the app, not for it;
                // no environment: nothing like JAVA_TOOL_OPTIONS slows it down or talks on its stdout
                return Spawn.spawn(command.getFirst(), command, List.of(), actions, Spawn.POSIX_SPAWN_SETSID, 0);
            }
        });
        Thread spawner = Thread.ofPlatform().name("jrun-proc-helper-spawner").start(spawn);
        Threads.joinUninterruptibly(spawner);
        try {
            return spawn.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start the /proc helper: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            throw new AssertionError("the spawner thread has ended", e);
        }
    }

    /**
     * Reads the helper's output up to its report line (returned, newline stripped) or to its
     * end (returned whole, for the error message).
     */
    private static String readReport(int fd) throws ErrnoException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        while (true) {
            byte[] chunk = FileSyscalls.read(fd, 4096);
            if (chunk.length == 0) {
                return output.toString(StandardCharsets.UTF_8);
            }
            if (output.size() < OUTPUT_MAX) {
                output.write(chunk, 0, Math.min(chunk.length, OUTPUT_MAX - output.size()));
            }
            String text = output.toString(StandardCharsets.UTF_8);
            int report = text.startsWith(ProcHelperMain.REPORT) ? 0 : text.indexOf("\n" + ProcHelperMain.REPORT);
            if (report > 0) {
                report++; // past the newline
            }
            int end = report < 0 ? -1 : text.indexOf('\n', report);
            if (end > 0) {
                return text.substring(report, end);
            }
        }
    }

    /** The descriptor number of a report line, or -1 when {@code output} is none. */
    private static int reportedFd(String output) {
        if (!output.startsWith(ProcHelperMain.REPORT)) {
            return -1;
        }
        try {
            return Integer.parseInt(output.substring(ProcHelperMain.REPORT.length()).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Kills the helper (by pidfd; by pid if there is none: it is our unreaped child, so the pid
     * cannot have been reused) and reaps it. Its exit status, or null if it could not be had.
     */
    private static Processes.ExitStatus end(long pid, Fd pidfd) {
        try {
            if (pidfd != null) {
                Processes.pidfdSendSignal(pidfd.value(), Processes.SIGKILL);
            } else {
                Processes.kill(pid, Processes.SIGKILL);
            }
        } catch (ErrnoException e) {
            // it has exited already: the wait reaps it
        }
        try {
            return Processes.wait4(pid, 0);
        } catch (ErrnoException e) {
            return null;
        } finally {
            if (pidfd != null) {
                try {
                    pidfd.close();
                } catch (ErrnoException e) {
                    // nothing to do
                }
            }
        }
    }

    /**
     * The helper's command line: this JVM's java, jrun's classes only, flags for a fast start
     * of a process that runs a few milliseconds of code.
     */
    static List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        parentAotCache().ifPresent(cache -> {
            // jrun's AOT cache (the ./jrun launcher passes it) holds the linux classes and their
            // linked FFM call: it halves the helper's start. Made for the same jar, it is used
            // only if the helper's class path matches; quietly ignored otherwise.
            command.add(cache);
            command.add("-Xlog:aot=off");
            command.add("-Xlog:cds=off");
        });
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        // no /tmp/hsperfdata_USER/PID file: PID would be the helper's pid in the container (2)
        command.add("-XX:-UsePerfData");
        command.add("-XX:+DisableAttachMechanism");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(classPath());
        command.add(ProcHelperMain.class.getName());
        return command;
    }

    /** This JVM's {@code -XX:AOTCache=FILE} option, from its command line. */
    private static Optional<String> parentAotCache() {
        try {
            for (String arg : Files.readString(Path.of("/proc/self/cmdline")).split("\0")) {
                if (arg.startsWith("-XX:AOTCache=")) {
                    return Optional.of(arg);
                }
            }
        } catch (IOException e) {
            // no hint: the helper starts without the cache
        }
        return Optional.empty();
    }

    /** Where ProcHelperMain and the linux classes come from (one jar for the jrun CLI). */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(ProcHelperMain.class, Fd.class)) {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return System.getProperty("java.class.path");
            }
            try {
                entries.add(Path.of(source.getLocation().toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                return System.getProperty("java.class.path");
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
