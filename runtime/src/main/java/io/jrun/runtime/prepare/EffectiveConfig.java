package io.jrun.runtime.prepare;

import io.jrun.images.oci.ImageConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The image's config merged with the user's overrides, by docker's rules:
 * <ul>
 * <li>argv = Entrypoint + Cmd; arguments after the image replace Cmd; --entrypoint replaces
 *     Entrypoint and drops the image's Cmd;</li>
 * <li>the environment is the image's Env, then the user's entries, a later key replacing an
 *     earlier one in place; PATH defaults to docker's, HOSTNAME is the container's, TERM is
 *     xterm with a terminal;</li>
 * <li>the working directory is -w, else WorkingDir, else /; the user is -u, else User, else root.</li>
 * </ul>
 */
public record EffectiveConfig(List<String> argv, List<String> env, String workingDir, String user, String stopSignal) {
    /** docker's PATH for an image whose environment sets none. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";


    public static EffectiveConfig of(ImageConfig image, RunRequest request, String hostname) {
        List<String> entrypoint;
        List<String> cmd;
        if (request.entrypoint() != null) {
            entrypoint = request.entrypoint().isEmpty() ? List.of() : List.of(request.entrypoint());
            cmd = request.command();
        } else {
            entrypoint = image.entrypoint() == null ? List.of() : image.entrypoint();
            cmd = !request.command().isEmpty() ? request.command() : image.cmd() == null ? List.of() : image.cmd();
        }
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(cmd);

        Map<String, String> env = new LinkedHashMap<>();
        put(env, "PATH=" + DEFAULT_PATH);
        put(env, "HOSTNAME=" + hostname);
        if (request.terminal()) {
            put(env, "TERM=xterm");
        }
        image.env().forEach(e -> put(env, e));
        request.env().forEach(e -> put(env, e));
        List<String> entries = new ArrayList<>();
        env.forEach((k, v) -> entries.add(k + "=" + v));

        String workingDir = request.workingDir() != null ? request.workingDir()
                : image.workingDir() == null || image.workingDir().isEmpty() ? "/" : image.workingDir();
        checkWorkingDir(workingDir);
        String user = request.user() != null ? request.user() : image.user() == null ? "" : image.user();
        String stopSignal = image.stopSignal() == null || image.stopSignal().isEmpty() ? "SIGTERM" : image.stopSignal();
        return new EffectiveConfig(argv, entries, workingDir, user, stopSignal);
    }

    /**
     * Refuses a working directory that is not absolute or lies in /proc, whose magic links
     * ({@code /proc/self/fd/N}, {@code /proc/self/cwd}) could point outside the container's root
     * (runc's CVE-2024-21626). The same check for {@code -w} and an image's WorkingDir.
     */
    public static void checkWorkingDir(String workingDir) {
        if (!workingDir.startsWith("/")) {
            throw new IllegalArgumentException("the working directory must be an absolute path, not \"" + workingDir + "\"");
        }
        String normal = java.nio.file.Path.of(workingDir).normalize().toString();
        if (normal.equals("/proc") || normal.startsWith("/proc/")) {
            throw new IllegalArgumentException("the working directory \"" + workingDir + "\" is in /proc, whose links can"
                    + " lead outside the container: choose a directory of the image");
        }
    }

    private static void put(Map<String, String> env, String entry) {
        int eq = entry.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("environment entries must be KEY=VALUE, not '" + entry + "'");
        }
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
}
