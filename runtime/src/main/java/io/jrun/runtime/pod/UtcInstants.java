package io.jrun.runtime.pod;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Parses the instants jrun writes into pod files ({@link Instant#toString()}: UTC,
 * {@code 2026-11-24T02:36:12.123456789Z}). {@link Instant#parse} does the same through
 * java.time's formatter machinery, whose first use costs a cold JVM tens of milliseconds and
 * whose every use costs microseconds: jrun list parses three instants per pod. Any other
 * shape goes to {@link Instant#parse}.
 */
final class UtcInstants {
    private UtcInstants() {
    }

    static Instant parse(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z' || (n > 20 && s.charAt(19) != '.')) {
            return Instant.parse(s);
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21; // digits between '.' and 'Z'
            if (fraction < 1 || fraction > 9) {
                return Instant.parse(s);
            }
            nanos = digits(s, 20, n - 1);
            if (nanos < 0) {
                return Instant.parse(s);
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
            return Instant.parse(s); // out of range (or a leap second): java.time says what is wrong
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code s[from, to)}, or -1 if a character there is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
