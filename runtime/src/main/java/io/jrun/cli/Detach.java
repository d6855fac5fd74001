package io.jrun.cli;

import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Pipes;
import io.jrun.linux.Processes;
import io.jrun.linux.Spawn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code jrun run --detach}: the pod's supervisor is a second jrun JVM, started with the same
 * java, flags and arguments plus {@code --detached-child}, in a session of its own (so the
 * terminal's hangup does not reach it) and with this process's stdout and stderr replaced by
 * a pipe. It launches the pod, writes the UUID to the pipe, and supervises the app as a
 * foreground run does: it waits for it and records its exit code in exit.json. This process
 * reads the pipe up to the UUID, prints it and exits; if the launch fails, the child's error
 * comes through the pipe and its exit code becomes this one's.
 *
 * <p>What stays resident per detached pod: that one JVM, blocked in wait4.
 */
final class Detach {
    static final String CHILD_FLAG = "--detached-child";
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private Detach() {
    }

    /** Starts the supervisor for {@code originalArgs} (jrun's whole command line) and returns the exit code. */
    static int start(List<String> originalArgs) throws IOException {
        List<String> command = javaCommand(originalArgs);
        List<String> args = new ArrayList<>(originalArgs);
        int run = args.indexOf("run");
        args.add(run + 1, CHILD_FLAG);
        command.addAll(args);

        List<String> env = new ArrayList<>();
        System.getenv().forEach((k, v) -> env.add(k + "=" + v));
        long pid;
        String output;
        try (Pipes.Pipe pipe = Pipes.pipe(); Spawn.FileActions actions = new Spawn.FileActions()) {
            actions.open(0, "/dev/null", OpenFlags.O_RDONLY, 0)
                    .dup2(pipe.writeEnd().value(), 1)
                    .dup2(pipe.writeEnd().value(), 2)
                    .closeFrom(3);
            pid = Spawn.spawn(command.getFirst(), command, env, actions, Spawn.POSIX_SPAWN_SETSID, 0);
            pipe.writeEnd().close();
            output = readUntilUuid(pipe.readEnd().value());
        }
        String uuid = uuidLine(output);
        if (uuid != null) {
            output.lines().filter(l -> !l.equals(uuid)).forEach(System.err::println); // the JVM's notes, if any
            System.out.println(uuid);
            Processes.wait4(pid, 1 /* WNOHANG: reap it if it has ended already */);
            return 0;
        }
        System.err.print(output.isEmpty() ? "jrun: the detached supervisor ended without a word\n" : output);
        return Processes.wait4(pid, 0).shellCode();
    }

    /**
     * What the child wrote, up to and including the line that is the pod's UUID, or all of it
     * until EOF. Any line may be it: the JVM can print a note (JDK_JAVA_OPTIONS, say) first.
     */
    private static String readUntilUuid(int fd) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (true) {
            int n = FileSyscalls.read(fd, buffer, 0, buffer.length);
            if (n == 0) {
                return text.toString();
            }
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            if (uuidLine(text.toString()) != null) {
                return text.toString();
            }
        }
    }

    /** The first whole line of {@code text} that is a UUID, or null. */
    private static String uuidLine(String text) {
        int end = text.lastIndexOf('\n');
        return end < 0 ? null : text.substring(0, end).lines().filter(l -> UUID.matcher(l).matches()).findFirst().orElse(null);
    }

    /**
     * This JVM's java and flags, from /proc/self/cmdline: everything before jrun's own
     * arguments (which end it).
     */
    private static List<String> javaCommand(List<String> jrunArgs) throws IOException {
        String cmdline = Files.readString(Path.of("/proc/self/cmdline"), StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(Arrays.asList(cmdline.split("\0", -1)));
        if (!all.isEmpty() && all.getLast().isEmpty()) {
            all.removeLast();
        }
        int prefix = all.size() - jrunArgs.size();
        if (prefix <= 0 || !all.subList(prefix, all.size()).equals(jrunArgs)) {
            throw new IllegalStateException("run --detach needs jrun started as a command (its arguments are not "
                    + "at the end of its command line): run it without --detach, or use the jrun command");
        }
        List<String> java = new ArrayList<>(all.subList(0, prefix));
        if (!java.getFirst().startsWith("/")) {
            java.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        return java;
    }
}
