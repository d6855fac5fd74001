package io.jrun.runtime;

import io.jrun.linux.WindowSize;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the app's standard descriptors go: host files opened by jrun before the pivot, or null
 * to pass on jrun's own descriptor (the foreground {@code jrun run} case). Output files are
 * created or truncated; {@code stdout} and {@code stderr} may name the same file.
 *
 * <p>With a {@code terminalSize} (see {@link #terminal}), the app's stdin, stdout and stderr
 * are instead one new pseudo-terminal of the container's own devpts, {@code /dev/pts/0} inside,
 * which becomes its controlling terminal; jrun keeps the master
 * ({@link RunningContainer#terminal()}).
 */
public record Stdio(Path stdin, Path stdout, Path stderr, WindowSize terminalSize) {
    private static final Path DEV_NULL = Path.of("/dev/null");

    public Stdio {
        if (terminalSize != null && (stdin != null || stdout != null || stderr != null)) {
            throw new IllegalArgumentException("with a terminal, the app's stdin, stdout and stderr are the terminal: no files");
        }
    }

    public Stdio(Path stdin, Path stdout, Path stderr) {
        this(stdin, stdout, stderr, null);
    }

    /** jrun's own stdin, stdout and stderr. */
    public static Stdio inherit() {
        return new Stdio(null, null, null);
    }

    /** No input, both outputs into {@code file}. */
    public static Stdio toFile(Path file) {
        return new Stdio(DEV_NULL, file, file);
    }

    /**
     * A new pseudo-terminal for all three (docker's {@code -t}), of {@code initialSize} from the
     * start, before the app runs: pass the host terminal's size, or {@link WindowSize#UNSET}
     * when there is none.
     */
    public static Stdio terminal(WindowSize initialSize) {
        return new Stdio(null, null, null, Objects.requireNonNull(initialSize, "initialSize"));
    }

    /** This with relative file paths taken as relative to {@code dir} (the pod's directory). */
    public Stdio resolvedIn(Path dir) {
        return new Stdio(resolve(dir, stdin), resolve(dir, stdout), resolve(dir, stderr), terminalSize);
    }

    private static Path resolve(Path dir, Path p) {
        return p == null || p.isAbsolute() ? p : dir.resolve(p);
    }

    /** Whether the app gets a pseudo-terminal. */
    public boolean hasTerminal() {
        return terminalSize != null;
    }
}
