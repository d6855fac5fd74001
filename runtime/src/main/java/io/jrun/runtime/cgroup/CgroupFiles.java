package io.jrun.runtime.cgroup;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** Reading and writing cgroup interface files (one value, or "key value" lines). */
final class CgroupFiles {
    private CgroupFiles() {
    }

    static Set<String> words(Path file) throws IOException {
        String text = Files.readString(file).strip();
        return text.isEmpty() ? Set.of() : new LinkedHashSet<>(List.of(text.split("\\s+")));
    }

    /** Writes {@code value}; the kernel's refusal comes back as the reason ("Device or resource busy"). */
    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    /** The value of {@code key} in a flat-keyed file (memory.events, cpu.stat), if both exist. */
    static OptionalLong keyed(Path file, String key) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        for (String line : lines) {
            String[] kv = line.split(" ");
            if (kv.length == 2 && kv[0].equals(key)) {
                return OptionalLong.of(Long.parseLong(kv[1]));
            }
        }
        return OptionalLong.empty();
    }

    /** A single-number file (memory.current, pids.current), if it exists. */
    static OptionalLong number(Path file) throws IOException {
        try {
            String text = Files.readString(file).strip();
            return text.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }

    /** The kernel's reason for an I/O failure, without Java's path prefix. */
    static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage();
    }
}
