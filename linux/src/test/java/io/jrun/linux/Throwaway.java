package io.jrun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs test code on a fresh platform thread, the way jrun's launch path transforms a
 * throw-away thread (namespaces, root, credentials are per thread), and rethrows its failure.
 */
final class Throwaway {
    private Throwaway() {
    }

    interface Body<T> {
        T run() throws Exception;
    }

    static <T> T run(Body<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("jrun-throwaway").start(() -> {
            try {
                result.set(body.run());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.join();
        Throwable t = failure.get();
        if (t instanceof Exception e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    /** A line of a status file, e.g. "CapBnd" → "000001ffffffffff". */
    static String statusField(String statusFile, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of(statusFile))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        throw new AssertionError(statusFile + " has no " + field + " line");
    }

    /** The current mount table of the calling thread, for leak checks. */
    static String mountinfo() throws IOException {
        return Files.readString(Path.of("/proc/self/mountinfo"));
    }

    static void assertNoMountsUnder(Path dir) throws IOException {
        assertThat(mountinfo()).as("host mount table").doesNotContain(" " + dir + " ").doesNotContain(" " + dir + "/");
    }
}
