package io.jrun.nativetests.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** External tools the native tests drive. A missing tool fails the test (never skips it). */
public final class Tools {

    private Tools() {
    }

    /** Fails with {@code missing COMMAND: run scripts/setup.sh} unless every command is on the PATH. */
    public static void require(String... commands) {
        for (String command : commands) {
            if (which(command) == null) {
                throw new AssertionError("missing " + command + ": run scripts/setup.sh");
            }
        }
    }

    /** The executable named {@code command} on the PATH, or null. */
    public static Path which(String command) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The result of a finished command: exit code and its combined output. */
    public record Result(int exitCode, String output) {
    }

    /**
     * Runs a command to completion (stdin closed, stdout and stderr merged into a log file under
     * {@code java.io.tmpdir}), killing it by its handle after {@code timeoutSeconds}.
     */
    public static Result run(List<String> command, long timeoutSeconds) {
        return run(command, java.util.Map.of(), timeoutSeconds);
    }

    /** Like {@link #run(List, long)} with extra environment variables. */
    public static Result run(List<String> command, java.util.Map<String, String> env, long timeoutSeconds) {
        require(command.getFirst());
        Path log = null;
        try {
            log = Files.createTempFile("jrun-tool-", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
                throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command)
                        + "\n" + tail(log, 40));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a leftover temp log is harmless
                }
            }
        }
    }

    /** Runs a command and fails with its output unless it exits 0; returns the output. */
    public static String check(List<String> command, long timeoutSeconds) {
        return check(command, java.util.Map.of(), timeoutSeconds);
    }

    /** Like {@link #check(List, long)} with extra environment variables. */
    public static String check(List<String> command, java.util.Map<String, String> env, long timeoutSeconds) {
        Result r = run(command, env, timeoutSeconds);
        if (r.exitCode() != 0) {
            throw new AssertionError("exit " + r.exitCode() + ": " + String.join(" ", command) + "\n" + lastLines(r.output(), 40));
        }
        return r.output();
    }

    /** The last {@code lines} lines of a file, or a note why there are none. */
    public static String tail(Path file, int lines) {
        try {
            return lastLines(Files.readString(file, StandardCharsets.UTF_8), lines);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    static String lastLines(String text, int lines) {
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", List.of(all).subList(from, all.length));
    }

    /** Deletes a directory tree if it exists (symlinks are deleted, not followed). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
