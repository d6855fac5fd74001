package io.jrun.cli;

/** docker's exit codes for the runtime's own failures. */
final class ExitCodes {
    private ExitCodes() {
    }

    /** jrun itself failed: bad input, registry, store. */
    static final int JRUN_ERROR = 125;
}
