package io.jrun.runtime.terminal;

/**
 * A JVM for {@code io.jrun.nativetests.terminal.RawModeRestoreTest}: puts its stdin (a terminal)
 * in raw mode the way a terminal session does, says "raw" on stdout, then ends as its argument
 * says, without ever closing the RawMode: only the shutdown hook can restore the terminal.
 * It lives in RawMode's package, which is not public API.
 */
public final class RawModeProbe {
    private RawModeProbe() {
    }

    public static void main(String[] args) throws Exception {
        RawMode.enter(0);
        System.out.println("raw");
        System.out.flush();
        switch (args[0]) {
            case "exit" -> System.exit(7);
            case "throw" -> throw new IllegalStateException("an exception nobody catches");
            case "wait-for-signal" -> Thread.sleep(Long.MAX_VALUE);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
