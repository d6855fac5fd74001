package io.jrun.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Turns every failure into one line on stderr, {@code jrun: PROBLEM}, where PROBLEM names
 * what went wrong and how to fix it, and exit code 125. {@code --debug} adds the stack trace.
 */
public final class ErrorHandler implements IExecutionExceptionHandler {
    private final JrunCommand root;

    ErrorHandler(JrunCommand root) {
        this.root = root;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        PrintWriter err = cli.getErr();
        // a launch failure's message is the engine's, with its own fix: an ENOSPC there may be a
        // container's tmpfs, not the state directory's disk
        boolean launchFailure = e instanceof io.jrun.runtime.launch.LaunchException;
        err.println("jrun: " + describe(e) + (launchFailure ? "" : storageFix(e, cli.getCommandName())));
        if (root.debug) {
            e.printStackTrace(err);
        }
        err.flush();
        // a launch failure carries docker's code: 126 cannot execute, 127 not found
        return e instanceof io.jrun.runtime.launch.LaunchException launch ? launch.exitCode() : ExitCodes.JRUN_ERROR;
    }

    static int parameterError(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("jrun: " + parameterProblem(e) + " (see '" + cli.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return ExitCodes.JRUN_ERROR;
    }

    /**
     * picocli's message, except for unmatched arguments: picocli counts their index from the
     * first argument, global options included; an unknown command gets the nearest known one.
     */
    private static String parameterProblem(ParameterException e) {
        if (!(e instanceof picocli.CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return e.getMessage();
        }
        String first = u.getUnmatched().getFirst();
        CommandLine cli = e.getCommandLine();
        if (!cli.getSubcommands().isEmpty() && !first.startsWith("-")) {
            String nearest = nearest(first, cli.getSubcommands().keySet().stream()
                    .filter(name -> !cli.getSubcommands().get(name).getCommandSpec().usageMessage().hidden()).toList());
            return "unknown command '" + first + "'" + (nearest == null ? "" : ": did you mean " + nearest + "?");
        }
        return (u.getUnmatched().size() == 1 ? "unexpected argument " : "unexpected arguments ")
                + String.join(" ", u.getUnmatched().stream().map(a -> "'" + a + "'").toList());
    }

    /** The name closest to {@code typed} in edit distance, if close enough to be a typo; null if none is. */
    static String nearest(String typed, java.util.Collection<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int d = name.startsWith(typed) ? 1 : editDistance(typed, name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(1, Math.min(2, typed.length() / 2)) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /**
     * The fix for a failure of the disk under the state directory, found anywhere in the
     * causes: a full disk (ENOSPC), a read-only one (EROFS), a path through a file (ENOTDIR).
     * "" for any other failure, whose message names its own fix.
     */
    static String storageFix(Throwable e, String command) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            int errno = t instanceof io.jrun.linux.ErrnoException x ? x.errno() : 0;
            String text = t instanceof FileSystemException f && f.getReason() != null ? f.getReason() : t.getMessage();
            text = text == null ? "" : text;
            if (errno == io.jrun.linux.Errno.ENOSPC || text.contains("No space left on device")) {
                return ": the disk is full: free space (jrun gc and jrun image gc remove unused pods and layers) and try again"
                        + ("fetch".equals(command) ? "; the partly fetched layer was removed, whole ones are kept for the next try" : "");
            }
            if (errno == io.jrun.linux.Errno.EROFS || text.contains("Read-only file system")) {
                return ": the state directory's file system is read-only: choose a writable --dir (or JRUN_DIR)";
            }
            if (t instanceof FileSystemException && text.equals("Not a directory")) {
                return ": part of that path is a file, not a directory: give --dir (or JRUN_DIR) a directory";
            }
        }
        return "";
    }

    /** One line for an exception; file system errors name the file and the reason. */
    public static String describe(Throwable e) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile() + ": run jrun as root or choose a writable --dir";
        }
        if (e instanceof NoSuchFileException n) {
            return n.getReason() != null ? n.getFile() + ": " + n.getReason() : "no such file: " + n.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return message.lines().findFirst().orElse(message);
    }
}
