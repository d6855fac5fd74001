package io.jrun.api;

/**
 * A container could not be made, started, entered, stopped or removed, or an image could not
 * be fetched. The message is one line naming the problem and its fix, as the {@code jrun}
 * command prints it; {@link #exitCode()} is docker's code for it.
 *
 * <pre>{@code
 * try (Container c = jrun.container("busybox").command("no-such-program").start()) {
 *     c.waitFor();
 * } catch (JrunException e) {
 *     System.err.println(e.getMessage() + " (" + e.exitCode() + ")"); // ... not found (127)
 * }
 * }</pre>
 */
public final class JrunException extends Exception {
    /** docker's exit codes: a jrun error, a command that cannot be executed, one not found. */
    public static final int JRUN_ERROR = 125, CANNOT_EXECUTE = 126, NOT_FOUND = 127;

    private final int exitCode;

    JrunException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /**
     * docker's code for the failure: {@link #NOT_FOUND} when the container's command is not
     * found, {@link #CANNOT_EXECUTE} when it cannot be executed, {@link #JRUN_ERROR} otherwise.
     *
     * <pre>{@code
     * catch (JrunException e) { if (e.exitCode() == JrunException.NOT_FOUND) { ... } }
     * }</pre>
     */
    public int exitCode() {
        return exitCode;
    }
}
