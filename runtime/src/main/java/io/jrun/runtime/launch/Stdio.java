package io.jrun.runtime.launch;

import java.nio.file.Path;

/**
 * Where the app's standard descriptors go: host files opened by jrun before the pivot, or null
 * to pass on jrun's own descriptor (the foreground {@code jrun run} case). Output files are
 * created or truncated; {@code stdout} and {@code stderr} may name the same file. A terminal
 * instead is the configuration's {@code process.terminal}.
 */
public record Stdio(Path stdin, Path stdout, Path stderr) {
    private static final Path DEV_NULL = Path.of("/dev/null");

    /** jrun's own stdin, stdout and stderr. */
    public static Stdio inherit() {
        return new Stdio(null, null, null);
    }

    /** No input, both outputs into {@code file}. */
    public static Stdio toFile(Path file) {
        return new Stdio(DEV_NULL, file, file);
    }

    /** This with relative file paths taken as relative to {@code dir} (the pod's directory). */
    public Stdio resolvedIn(Path dir) {
        return new Stdio(resolve(dir, stdin), resolve(dir, stdout), resolve(dir, stderr));
    }

    private static Path resolve(Path dir, Path p) {
        return p == null || p.isAbsolute() ? p : dir.resolve(p);
    }
}
