package io.jrun.runtime.launch;

/**
 * A container could not be started; nothing of it remains. {@link #exitCode()} is docker's:
 * 127 when the command is not found, 126 when it cannot be executed, 125 for any other failure
 * of jrun's. The message is one line naming the problem and the fix.
 */
public final class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;
    public static final int JRUN_ERROR = 125, CANNOT_EXECUTE = 126, NOT_FOUND = 127;

    private final int exitCode;

    public LaunchException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public LaunchException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public int exitCode() {
        return exitCode;
    }
}
