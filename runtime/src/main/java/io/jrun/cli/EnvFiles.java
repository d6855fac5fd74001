package io.jrun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** docker's {@code -e} and {@code --env-file} syntax. */
final class EnvFiles {
    private EnvFiles() {
    }

    /**
     * One entry: {@code KEY=VALUE} as is; {@code KEY} alone takes the value from {@code host},
     * and is left out when the host has none (docker's rule).
     */
    static Optional<String> entry(String text, Map<String, String> host) {
        int eq = text.indexOf('=');
        if (eq == 0 || text.isEmpty()) {
            throw new IllegalArgumentException("invalid environment entry '" + text + "': use KEY=VALUE or KEY");
        }
        if (eq > 0) {
            return Optional.of(text);
        }
        String value = host.get(text);
        return value == null ? Optional.empty() : Optional.of(text + "=" + value);
    }

    /**
     * An env file: one entry per line as {@link #entry}; blank lines and lines starting with
     * '#' are skipped; nothing is unquoted or expanded, as in docker.
     */
    static List<String> read(Path file, Map<String, String> host) throws IOException {
        List<String> entries = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file)) {
            number++;
            String trimmed = line.stripLeading();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            try {
                entry(trimmed, host).ifPresent(entries::add);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--env-file " + file + " line " + number + ": " + e.getMessage());
            }
        }
        return entries;
    }
}
