package io.jrun.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * jrun's system configuration: {@value #DEFAULT_PATH}, or the file $JRUN_CONFIG names. One
 * {@code key = value} a line; blank lines and lines starting with {@code #} are skipped. Read
 * strictly: an unknown key, a line that is not {@code key = value}, a key given twice or a
 * value the key does not take is refused with the file, the line and the key, before anything
 * is made. A missing {@value #DEFAULT_PATH} means the defaults; a missing $JRUN_CONFIG file is
 * an error (it was asked for by name). See docs/config.md.
 *
 * @param supervisor the default supervisor of a foreground {@code jrun run}: {@code jrun} or
 *                   {@code conmon} (--supervisor)
 */
record SystemConfig(String supervisor) {
    static final String DEFAULT_PATH = "/etc/jrun/jrun.conf";
    static final String ENV = "JRUN_CONFIG";
    static final List<String> SUPERVISORS = List.of("jrun", "conmon");
    private static final SystemConfig DEFAULTS = new SystemConfig("jrun");

    /** The configuration this process runs with ($JRUN_CONFIG, else {@value #DEFAULT_PATH}). */
    static SystemConfig load() throws IOException {
        return load(System.getenv());
    }

    static SystemConfig load(Map<String, String> env) throws IOException {
        String named = env.get(ENV);
        if (named != null && !named.isEmpty()) {
            Path file = Path.of(named);
            if (!Files.exists(file)) {
                throw new IllegalArgumentException(ENV + " names " + file + ", which does not exist: create it, or unset "
                        + ENV + " for " + DEFAULT_PATH);
            }
            return read(file);
        }
        return read(Path.of(DEFAULT_PATH));
    }

    static SystemConfig read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return DEFAULTS;
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(file + " is not UTF-8 text: fix it (see docs/config.md)");
        }
        String supervisor = DEFAULTS.supervisor();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(where + "'" + line + "' is not key = value: fix the line (see docs/config.md)");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!seen.add(key)) {
                throw new IllegalArgumentException(where + "key '" + key + "' is given twice: keep one");
            }
            switch (key) {
                case "supervisor" -> {
                    supervisor = value.toLowerCase(Locale.ROOT);
                    if (!SUPERVISORS.contains(supervisor)) {
                        throw new IllegalArgumentException(where + "supervisor '" + value + "' is not jrun or conmon: use one of them");
                    }
                }
                default -> throw new IllegalArgumentException(where + "unknown key '" + key
                        + "': remove it (jrun knows: supervisor; see docs/config.md)");
            }
        }
        return new SystemConfig(supervisor);
    }
}
