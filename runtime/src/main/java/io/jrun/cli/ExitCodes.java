package io.jrun.cli;

/** docker's exit codes for the runtime's own failures. */
final class ExitCodes {
    private ExitCodes() {
    }

    /** jrun itself failed: bad input, registry, store. */
    static final int JRUN_ERROR = 125;
    /** The container's command exists but cannot be executed. */
    static final int CANNOT_EXECUTE = 126;
    /** The container's command was not found. */
    static final int NOT_FOUND = 127;
}
