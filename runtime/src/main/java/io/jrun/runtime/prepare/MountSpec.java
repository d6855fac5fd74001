package io.jrun.runtime.prepare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A mount the user asked for, on top of the image's root: a bind mount of a host path
 * ({@code -v}) or a tmpfs ({@code --tmpfs}). Targets are container paths; they are resolved
 * inside the container's root at launch (openat2 RESOLVE_IN_ROOT), never on the host.
 */
public sealed interface MountSpec {
    /** The absolute path inside the container. */
    String target();

    /** {@code -v SOURCE:TARGET[:ro|rw]}: the host's {@code source} (a directory or file), recursively. */
    record Bind(Path source, String target, boolean readOnly) implements MountSpec {
        public Bind {
            if (!source.isAbsolute()) {
                throw new IllegalArgumentException("volume source '" + source
                        + "' must be an absolute host path (named volumes are not supported)");
            }
            target = checkTarget(target);
        }
    }

    /**
     * {@code --tmpfs TARGET[:OPTIONS]}: a new tmpfs.
     *
     * @param copyUp       podman's (and crun's) tmpcopyup: what the image has at the target is
     *                     copied into the tmpfs before it is mounted (the default; notmpcopyup
     *                     turns it off)
     * @param options      the tmpfs parameters given, as key=value: size, nr_inodes, mode, uid, gid
     */
    record Tmpfs(String target, boolean readOnly, boolean noExec, boolean noSuid, boolean noDev, boolean copyUp,
                 List<String> options) implements MountSpec {
        public Tmpfs {
            target = checkTarget(target);
            options = List.copyOf(options);
        }

        /** The value of {@code key=} among the options, or null. */
        public String option(String key) {
            for (String option : options) {
                if (option.startsWith(key + "=")) {
                    return option.substring(key.length() + 1);
                }
            }
            return null;
        }
    }

    /**
     * Parses {@code -v}: {@code SOURCE:TARGET}, optionally {@code :ro}, {@code :rw} or
     * {@code :z}/{@code :Z} (SELinux relabelling, meaningless without SELinux: accepted, ignored).
     */
    static Bind parseVolume(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("invalid volume '" + text + "': use -v /host/path:/container/path[:ro]");
        }
        boolean readOnly = false;
        if (parts.length == 3) {
            for (String option : parts[2].split(",")) {
                switch (option) {
                    case "ro" -> readOnly = true;
                    case "rw", "z", "Z", "rbind" -> { }
                    default -> throw new IllegalArgumentException("invalid volume option '" + option + "' in '" + text
                            + "': use ro or rw");
                }
            }
        }
        return new Bind(Path.of(parts[0]).normalize(), parts[1], readOnly);
    }

    /**
     * Parses {@code --tmpfs}: {@code TARGET[:OPTIONS]} with docker's options (ro, rw, exec,
     * noexec, suid, nosuid, dev, nodev, size=N[k|m|g|%], mode=OCTAL, nr_inodes=N), tmpfs' uid=N
     * and gid=N, and podman's tmpcopyup and notmpcopyup. Defaults: rw, noexec, nosuid, nodev as
     * docker's; tmpcopyup as podman's; the root's mode and owner those of the image's directory
     * there, else mode 1777 and root.
     */
    static Tmpfs parseTmpfs(String text) {
        int colon = text.indexOf(':');
        String target = colon < 0 ? text : text.substring(0, colon);
        boolean readOnly = false, noExec = true, noSuid = true, noDev = true, copyUp = true;
        List<String> options = new ArrayList<>();
        if (colon >= 0) {
            for (String option : text.substring(colon + 1).split(",")) {
                switch (option) {
                    case "ro" -> readOnly = true;
                    case "rw" -> readOnly = false;
                    case "exec" -> noExec = false;
                    case "noexec" -> noExec = true;
                    case "suid" -> noSuid = false;
                    case "nosuid" -> noSuid = true;
                    case "dev" -> noDev = false;
                    case "nodev" -> noDev = true;
                    case "tmpcopyup" -> copyUp = true;
                    case "notmpcopyup" -> copyUp = false;
                    default -> {
                        String key = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
                        boolean valid = switch (key) {
                            case "size" -> option.matches("size=[0-9]+[kmgKMG%]?");
                            case "nr_inodes" -> option.matches("nr_inodes=[0-9]+[kmgKMG]?");
                            case "mode" -> option.matches("mode=[0-7]{1,4}");
                            case "uid", "gid" -> option.matches("[ug]id=[0-9]{1,10}")
                                    && Long.parseLong(option.substring(4)) < 0xffffffffL;
                            default -> false;
                        };
                        if (!valid || options.stream().anyMatch(o -> o.startsWith(key + "="))) {
                            throw new IllegalArgumentException("invalid tmpfs option '" + option + "' in '" + text
                                    + "': use ro, rw, exec, noexec, suid, nosuid, dev, nodev, size=N[k|m|g|%], mode=OCTAL,"
                                    + " uid=N, gid=N, nr_inodes=N, tmpcopyup or notmpcopyup, each once");
                        }
                        options.add(option);
                    }
                }
            }
        }
        return new Tmpfs(target, readOnly, noExec, noSuid, noDev, copyUp, options);
    }

    /**
     * An absolute container path, not the root, and not in /proc or /sys: mounts there could
     * hide the masked paths or open kernel interfaces (as runc refuses since CVE-2019-16884-like
     * cases). ".." stays: it is resolved inside the root.
     */
    private static String checkTarget(String target) {
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("mount target '" + target + "' must be an absolute path in the container");
        }
        String normal = Path.of(target).normalize().toString();
        if (normal.equals("/") || List.of(normal.split("/")).contains("..")) {
            throw new IllegalArgumentException("mount target '" + target + "' is not allowed: give a directory below /");
        }
        for (String kernel : new String[] {"/proc", "/sys"}) {
            if (normal.equals(kernel) || normal.startsWith(kernel + "/")) {
                throw new IllegalArgumentException("mount target '" + target + "' is inside " + kernel
                        + ", which jrun does not allow: choose another path");
            }
        }
        return normal;
    }
}
