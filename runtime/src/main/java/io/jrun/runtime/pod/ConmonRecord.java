package io.jrun.runtime.pod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What conmon leaves of a detached pod that it supervises ({@code jrun run -d}).
 * <ul>
 * <li>{@code pods/exits/UUID}: conmon's exit file (its {@code --exit-dir}), the app's exit
 *     code as a decimal number (128 + N for signal N). conmon writes it when the app has
 *     ended, after it has closed its copy of the pod's lock; its exit command
 *     ({@code jrun cleanup UUID}) then writes exit.json from it and removes it.</li>
 * <li>{@code conmon.pid} in the pod directory: conmon's pid ({@code --conmon-pidfile}).</li>
 * </ul>
 * Between conmon letting go of the lock and exit.json, a pod reads as exited with the exit
 * file's code; while the lock is free and neither file exists but conmon still lives (the
 * moment between its closing the lock and writing the exit file), it reads as running.
 */
public final class ConmonRecord {
    /** The exit directory under pods/. */
    public static final String EXITS = "exits";
    /** conmon's pid file in the pod directory. */
    public static final String PID_FILE = "conmon.pid";

    private ConmonRecord() {
    }

    /** conmon's exit file for the pod {@code uuid} under {@code podsRoot} (STATE/pods). */
    public static Path exitFile(Path podsRoot, String uuid) {
        return podsRoot.resolve(EXITS).resolve(uuid);
    }

    /** How the app ended, from conmon's exit file; empty while there is none. */
    public static Optional<PodExit> exit(Path podsRoot, String uuid) {
        Path file = exitFile(podsRoot, uuid);
        try {
            int code = Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).strip());
            return Optional.of(exitOf(code, Files.getLastModifiedTime(file).toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // written whole by conmon (g_file_set_contents renames): damage, not a race
        }
    }

    /**
     * The exit that conmon's code means: conmon reports a signal as 128 + N, as a shell does,
     * so an app that exits with such a code itself reads as killed by a signal (podman's
     * reading too); -1 is conmon's "no status" (its --timeout).
     */
    public static PodExit exitOf(int code, java.time.Instant when) {
        if (code < 0) {
            return new PodExit(137, PodExit.SIGNAL, when, "conmon recorded no exit status");
        }
        return new PodExit(code, code > 128 && code <= 128 + 64 ? PodExit.SIGNAL : PodExit.EXITED, when, null);
    }

    /** Whether the pod's conmon still lives: its pid file names a live process called conmon. */
    public static boolean supervisorAlive(Path podDir) {
        try {
            long pid = Long.parseLong(Files.readString(podDir.resolve(PID_FILE), StandardCharsets.US_ASCII).strip());
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip().equals("conmon")
                    && !zombie(pid);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static boolean zombie(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    }
}
