package io.jrun.cli;

import io.jrun.runtime.Conmon;
import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodState;
import io.jrun.runtime.pod.PodStatus;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code jrun logs POD}: what a detached pod's app wrote, from conmon's log in the pod's
 * directory (k8s-file: "TIME STREAM P|F TEXT" lines; P is part of a longer line), or from the
 * journal for a pod run with --log-driver=journald ({@link JournalLog}). The app's
 * stdout goes to stdout and its stderr to stderr. A foreground pod's output went to its
 * terminal: nothing was kept, and nothing is shown.
 */
final class LogsCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private String pod;
    private String app;
    private boolean follow;
    private Integer tail;
    private String since;

    LogsCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "logs", "Show what a detached pod's app wrote (stdout and stderr, in order).");
        spec.addPositional(Specs.positional("0", "POD", v -> pod = v, () -> pod)
                .description("The pod: name, UUID or unique UUID prefix.").build());
        spec.addOption(Specs.option(String.class, "NAME", v -> app = v, () -> app, "--app")
                .description("The app of a pod of several apps.").build());
        spec.addOption(Specs.flag(v -> follow = v, () -> follow, "-f", "--follow")
                .description("Keep printing new output until the pod exits.").build());
        spec.addOption(Specs.option(Integer.class, "N", v -> tail = v, () -> tail, "-n", "--tail")
                .description("Only the last N lines.").build());
        spec.addOption(Specs.option(String.class, "WHEN", v -> since = v, () -> since, "--since")
                .description("Only lines written since WHEN: a duration ago (10s, 5m, 2h) or a time (2026-01-02T15:04:05Z).")
                .build());
    }

    @Override
    public Integer call() throws Exception {
        if (tail != null && tail < 0) {
            throw new IllegalArgumentException("invalid --tail " + tail + ": give a number of lines, 0 or more");
        }
        Instant from = since == null ? null : parseSince(since);
        Pods pods = Pods.open(root.dir);
        PodStatus found = AppOptions.target(pods, pod, app); // --app: one app of a pod of several
        if (Conmon.LogDriver.ofPod(found.dir()) == Conmon.LogDriver.JOURNALD) {
            return journal(pods, found.uuid(), from);
        }
        Reader reader = new Reader(from);
        Optional<Path> log = logOf(pods, found.uuid());
        if (log.isEmpty()) {
            return 0; // a foreground pod: its output went to the terminal
        }
        boolean running = running(pods, found.uuid());
        Deque<Line> lines = new ArrayDeque<>();
        java.util.function.Consumer<Line> keep = line -> {
            lines.addLast(line);
            if (tail != null && lines.size() > tail) {
                lines.removeFirst();
            }
        };
        reader.read(log.get(), keep);
        if (!running) {
            reader.finish(keep);
        }
        lines.forEach(LogsCommand::print);
        if (!follow || !running) {
            return 0;
        }
        while (true) {
            running = running(pods, found.uuid());
            log = logOf(pods, found.uuid());
            if (log.isPresent()) {
                reader.read(log.get(), LogsCommand::print);
            }
            if (!running) {
                reader.finish(LogsCommand::print); // conmon drained the app's output into the log before it let go
                return 0;
            }
            Thread.sleep(100);
        }
    }

    /** A pod that logs to the journal (--log-driver=journald): its entries, as from the file. */
    private int journal(Pods pods, String uuid, Instant from) throws Exception {
        JournalLog journal = new JournalLog(uuid, from);
        boolean running = running(pods, uuid);
        if (!running) {
            JournalLog.sync();
        }
        JournalLog.tail(journal.read(), tail).forEach(JournalLog.Entry::print);
        while (follow && running) {
            Thread.sleep(250);
            running = running(pods, uuid);
            if (!running) {
                JournalLog.sync(); // conmon sent its last lines before it let go of the pod
            }
            journal.read().forEach(JournalLog.Entry::print);
        }
        return 0;
    }

    private static boolean running(Pods pods, String uuid) throws IOException {
        Optional<PodStatus> now = pods.store().locate(uuid);
        return now.isPresent() && (now.get().state() == PodState.RUNNING || now.get().state() == PodState.PREPARING);
    }

    private static Optional<Path> logOf(Pods pods, String uuid) throws IOException {
        Optional<PodStatus> pod = pods.store().locate(uuid);
        return pod.map(p -> p.dir().resolve(Conmon.LOG)).filter(Files::isRegularFile);
    }

    private static Instant parseSince(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.now().minus(Times.parseDuration(text));
            } catch (IllegalArgumentException notDuration) {
                throw new IllegalArgumentException("invalid --since '" + text
                        + "': give a duration (10s, 5m, 2h) or a time (2026-01-02T15:04:05Z)");
            }
        }
    }

    private record Line(boolean stderr, String text) {
    }

    private static void print(Line line) {
        PrintStream out = line.stderr() ? System.err : System.out;
        out.print(line.text());
        out.flush();
    }

    /** Reads whole records from where it stopped, joining partial (P) records into lines. */
    private static final class Reader {
        private final Instant from;
        private long offset;
        /** Per stream: the two streams' records interleave, a partial one of each may be pending. */
        private final StringBuilder partialOut = new StringBuilder(), partialErr = new StringBuilder();
        private Instant partialOutTime, partialErrTime; // of each partial line's last piece

        Reader(Instant from) {
            this.from = from;
        }

        void read(Path log, java.util.function.Consumer<Line> sink) throws IOException {
            byte[] data;
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                long length = file.length();
                if (length <= offset) {
                    return;
                }
                data = new byte[(int) Math.min(length - offset, 64L << 20)];
                file.seek(offset);
                file.readFully(data);
            }
            int start = 0;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == '\n') {
                    record(new String(data, start, i - start, StandardCharsets.UTF_8), sink);
                    start = i + 1;
                }
            }
            offset += start; // an unfinished record is read again next time
        }

        /** The app's last line, unfinished when it ended (no newline): as it is. */
        void finish(java.util.function.Consumer<Line> sink) {
            for (StringBuilder partial : List.of(partialOut, partialErr)) {
                Instant time = partial == partialErr ? partialErrTime : partialOutTime;
                if (!partial.isEmpty() && (from == null || !time.isBefore(from))) {
                    sink.accept(new Line(partial == partialErr, partial.toString()));
                }
                partial.setLength(0);
            }
        }

        private void record(String record, java.util.function.Consumer<Line> sink) {
            String[] fields = record.split(" ", 4);
            if (fields.length < 3) {
                return;
            }
            Instant time;
            try {
                time = OffsetDateTime.parse(fields[0]).toInstant();
            } catch (DateTimeParseException e) {
                return; // not a k8s-file record
            }
            String text = fields.length == 4 ? fields[3] : "";
            boolean stderr = fields[1].equals("stderr");
            StringBuilder partial = stderr ? partialErr : partialOut;
            partial.append(text);
            if (fields[2].equals("P")) {
                if (stderr) {
                    partialErrTime = time;
                } else {
                    partialOutTime = time;
                }
                return;
            }
            String line = partial.append('\n').toString();
            partial.setLength(0);
            if (from == null || !time.isBefore(from)) {
                sink.accept(new Line(stderr, line));
            }
        }
    }
}
