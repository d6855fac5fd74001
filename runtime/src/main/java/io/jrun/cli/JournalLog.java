package io.jrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrun.images.oci.JsonTrees;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * {@code jrun logs} of a pod whose conmon logs to the journal (--log-driver=journald): the
 * entries with the pod's CONTAINER_ID_FULL, read with journalctl's JSON output. conmon writes one
 * entry per line, the line's newline included, PRIORITY 3 for stderr and 6 for stdout, and
 * CONTAINER_PARTIAL_MESSAGE=true on the pieces of a line longer than its buffer.
 */
final class JournalLog {
    private final String uuid;
    private final Instant since;
    /** The last entry read: following reads start after it. */
    private String cursor;

    JournalLog(String uuid, Instant since) {
        this.uuid = uuid;
        this.since = since;
    }

    /** One printed piece of the app's output. */
    record Entry(boolean stderr, String text) {
        void print() {
            PrintStream out = stderr ? System.err : System.out;
            out.print(text);
            out.flush();
        }
    }

    /** The entries after the last read (all of them the first time), in order. */
    List<Entry> read() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("journalctl", "--no-pager", "--quiet", "--output=json",
                "--all", "CONTAINER_ID_FULL=" + uuid));
        if (cursor != null) {
            command.add("--after-cursor=" + cursor);
        } else if (since != null) {
            command.add("--since=@" + since.getEpochSecond()); // whole seconds: the rest is filtered below
        }
        List<Entry> entries = new ArrayList<>();
        for (String line : journalctl(command).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode entry = JsonTrees.read(line.getBytes(StandardCharsets.UTF_8));
            cursor = entry.path("__CURSOR").asText(cursor);
            long micros = entry.path("__REALTIME_TIMESTAMP").asLong(0);
            if (since != null && Instant.ofEpochSecond(micros / 1_000_000, micros % 1_000_000 * 1000).isBefore(since)) {
                continue;
            }
            String text = message(entry.path("MESSAGE"));
            if (!entry.path("CONTAINER_PARTIAL_MESSAGE").asText("").equals("true") && !text.endsWith("\n")) {
                text += "\n";
            }
            entries.add(new Entry(entry.path("PRIORITY").asText("6").equals("3"), text));
        }
        return entries;
    }

    /** The last {@code n} entries of {@code entries} (all when n is null). */
    static List<Entry> tail(List<Entry> entries, Integer n) {
        Deque<Entry> kept = new ArrayDeque<>();
        for (Entry e : entries) {
            kept.addLast(e);
            if (n != null && kept.size() > n) {
                kept.removeFirst();
            }
        }
        return List.copyOf(kept);
    }

    /**
     * Asks journald to write out what it has received (journalctl --sync): after the pod has
     * ended, so that conmon's last lines, sent before it exited, are in the files that are read.
     */
    static void sync() throws IOException, InterruptedException {
        journalctl(List.of("journalctl", "--sync"));
    }

    /** journalctl's MESSAGE: a string, or an array of bytes when it is not valid UTF-8. */
    private static String message(JsonNode message) {
        if (!message.isArray()) {
            return message.asText("");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        message.forEach(b -> bytes.write(b.asInt()));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String journalctl(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new IOException("the pod logs to the journal, and journalctl cannot run here (" + e.getMessage()
                    + "): install systemd's journalctl, or read the journal where the pod ran");
        }
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int code = p.waitFor();
        if (code != 0) {
            throw new IOException("journalctl failed (exit " + code + ")"
                    + (err.isEmpty() ? "" : ": " + err.lines().findFirst().orElse("")));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
