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
        err.println("jrun: " + describe(e));
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
        err.println("jrun: " + e.getMessage() + " (see '" + cli.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return ExitCodes.JRUN_ERROR;
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
