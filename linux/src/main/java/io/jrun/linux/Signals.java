package io.jrun.linux;

import java.util.Locale;

/**
 * Signal names and numbers. x86_64 and aarch64 share the generic numbering (unlike MIPS, say),
 * so one table serves both. Real-time signals are SIGRTMIN+N and SIGRTMAX-N, glibc's 34…64.
 */
public final class Signals {
    private Signals() {
    }

    private static final String[] NAMES = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
            "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
            "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
    private static final int RTMIN = 34, RTMAX = 64;

    /**
     * Parses a signal as docker's StopSignal and {@code --signal} take it: a number, or a name
     * with or without "SIG", in any case ("SIGTERM", "term", "15", "SIGRTMIN+3").
     */
    public static int parse(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        try {
            if (s.chars().allMatch(Character::isDigit) && !s.isEmpty()) {
                int n = Integer.parseInt(s);
                if (n >= 1 && n <= RTMAX) {
                    return n;
                }
            } else if (s.startsWith("RTMIN")) {
                int n = RTMIN + (s.length() == 5 ? 0 : Integer.parseInt(s.substring(5)));
                if (n >= RTMIN && n <= RTMAX) {
                    return n;
                }
            } else if (s.startsWith("RTMAX")) {
                int n = RTMAX + (s.length() == 5 ? 0 : Integer.parseInt(s.substring(5)));
                if (n >= RTMIN && n <= RTMAX) {
                    return n;
                }
            } else {
                for (int i = 1; i < NAMES.length; i++) {
                    if (NAMES[i].equals(s) || (s.equals("IOT") && i == 6) || (s.equals("POLL") && i == 29)) {
                        return i;
                    }
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw new IllegalArgumentException("unknown signal '" + text + "': give a name like SIGTERM or a number from 1 to 64");
    }

    /** "SIGTERM" for 15; "SIGRTMIN+2" for 36. */
    public static String name(int signal) {
        if (signal >= 1 && signal < NAMES.length) {
            return "SIG" + NAMES[signal];
        }
        if (signal >= RTMIN && signal <= RTMAX) {
            return signal == RTMIN ? "SIGRTMIN" : "SIGRTMIN+" + (signal - RTMIN);
        }
        return "signal " + signal;
    }
}
