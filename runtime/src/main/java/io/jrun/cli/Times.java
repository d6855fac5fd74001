package io.jrun.cli;

import java.time.Duration;
import java.time.Instant;

/** Times as docker's tables print them. */
final class Times {
    private Times() {
    }

    /** "just now", "1 minute ago", "5 minutes ago", "3 hours ago", "2 days ago"; "" for null. */
    static String ago(Instant then, Instant now) {
        if (then == null) {
            return "";
        }
        Duration d = Duration.between(then, now);
        if (d.toSeconds() < 60) {
            return "just now";
        }
        if (d.toMinutes() < 60) {
            return count(d.toMinutes(), "minute") + " ago";
        }
        if (d.toHours() < 48) {
            return count(d.toHours(), "hour") + " ago";
        }
        return count(d.toDays(), "day") + " ago";
    }

    private static String count(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** Parses a duration as docker and rkt take it: "30s", "5m", "1h30m", "1500ms", "2d", or plain seconds. */
    static Duration parseDuration(String text) {
        String s = text.strip();
        if (s.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(s));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end == 0 || end != s.length()) {
            throw new IllegalArgumentException("invalid duration '" + text + "': use e.g. 10s, 5m, 1h30m, 2d or a number of seconds");
        }
        return total;
    }
}
