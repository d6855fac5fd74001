package io.jrun.runtime.launch;

import io.jrun.linux.Mounts;
import io.jrun.runtime.spec.Mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of the configuration's {@code mounts}, its options sorted the way the new mount API takes
 * them: mount attributes (for fsmount or mount_setattr), a propagation, and the file system's
 * own parameters (for fsconfig). Made on the caller's thread, before the launch threads start,
 * so that a bad option fails early and names itself.
 *
 * @param destination  the absolute path inside the container
 * @param type         the file system type, or "bind" for a bind mount
 * @param source       for a bind mount the absolute host path, else the source name
 * @param bind         a bind mount (open_tree), else a new file system (fsopen)
 * @param recursive    rbind: the source's submounts come along
 * @param attrSet      MOUNT_ATTR_* to set
 * @param attrClear    MOUNT_ATTR_* to clear (a bind mount keeps its source's otherwise)
 * @param propagation  MS_PRIVATE, MS_SLAVE, MS_SHARED or MS_UNBINDABLE, or 0 to keep the mount namespace's
 * @param propagationRecursive the propagation applies to the submounts too
 * @param data         parameters for fsconfig: "key=value" or a flag
 * @param tmpcopyup    a tmpfs that starts with a copy of what the destination held (crun's option)
 */
record MountPlan(String destination, String type, String source, boolean bind, boolean recursive, long attrSet,
                 long attrClear, long propagation, boolean propagationRecursive, List<String> data, boolean tmpcopyup) {

    private record Flag(long attr, boolean clear) {
    }

    /** mount(8)'s flags as mount attributes; "clear" flags undo one the source (of a bind mount) has. */
    private static final Map<String, Flag> FLAGS = Map.ofEntries(
            Map.entry("ro", new Flag(Mounts.MOUNT_ATTR_RDONLY, false)), Map.entry("rw", new Flag(Mounts.MOUNT_ATTR_RDONLY, true)),
            Map.entry("nosuid", new Flag(Mounts.MOUNT_ATTR_NOSUID, false)), Map.entry("suid", new Flag(Mounts.MOUNT_ATTR_NOSUID, true)),
            Map.entry("nodev", new Flag(Mounts.MOUNT_ATTR_NODEV, false)), Map.entry("dev", new Flag(Mounts.MOUNT_ATTR_NODEV, true)),
            Map.entry("noexec", new Flag(Mounts.MOUNT_ATTR_NOEXEC, false)), Map.entry("exec", new Flag(Mounts.MOUNT_ATTR_NOEXEC, true)),
            Map.entry("nodiratime", new Flag(Mounts.MOUNT_ATTR_NODIRATIME, false)),
            Map.entry("diratime", new Flag(Mounts.MOUNT_ATTR_NODIRATIME, true)),
            Map.entry("nosymfollow", new Flag(Mounts.MOUNT_ATTR_NOSYMFOLLOW, false)),
            Map.entry("symfollow", new Flag(Mounts.MOUNT_ATTR_NOSYMFOLLOW, true)));
    /** Access-time modes: one of them at a time (MOUNT_ATTR__ATIME is the field). */
    private static final Map<String, Long> ATIME = Map.of("relatime", Mounts.MOUNT_ATTR_RELATIME,
            "noatime", Mounts.MOUNT_ATTR_NOATIME, "strictatime", Mounts.MOUNT_ATTR_STRICTATIME);
    private static final Map<String, Long> PROPAGATION = Map.of("private", Mounts.MS_PRIVATE, "slave", Mounts.MS_SLAVE,
            "shared", Mounts.MS_SHARED, "unbindable", Mounts.MS_UNBINDABLE);
    /** Flags with no effect on a new mount, which runc and crun accept too. */
    private static final List<String> IGNORED = List.of("defaults", "async", "auto", "noauto", "nouser", "user",
            "loud", "norelatime", "nostrictatime", "nomand", "noiversion", "iversion", "nolazytime", "lazytime",
            "_netdev", "nofail", "silent");

    /** Sorts one configuration mount; {@code bundle} resolves a relative bind source. */
    static MountPlan of(Mount m, Path bundle) {
        String destination = m.destination();
        if (!destination.startsWith("/")) {
            // the specification allows relative destinations (relative to /) since 1.1
            destination = "/" + destination;
        }
        destination = Path.of(destination).normalize().toString();
        boolean bind = m.isBind();
        boolean recursive = m.hasOption("rbind");
        long set = 0;
        long clear = 0;
        long propagation = 0;
        boolean propagationRecursive = false;
        boolean tmpcopyup = false;
        List<String> data = new ArrayList<>();
        for (String option : m.options()) {
            Flag flag = FLAGS.get(option);
            String name = option.startsWith("r") && PROPAGATION.containsKey(option.substring(1)) ? option.substring(1) : option;
            if (flag != null) {
                if (flag.clear()) {
                    set &= ~flag.attr();
                    clear |= flag.attr();
                } else {
                    set |= flag.attr();
                    clear &= ~flag.attr();
                }
            } else if (ATIME.containsKey(option)) {
                set = (set & ~Mounts.MOUNT_ATTR__ATIME) | ATIME.get(option);
                clear |= Mounts.MOUNT_ATTR__ATIME;
            } else if (PROPAGATION.containsKey(name)) {
                propagation = PROPAGATION.get(name);
                propagationRecursive = !name.equals(option);
            } else if (option.equals("bind") || option.equals("rbind") || IGNORED.contains(option)) {
                // the kind of mount, or no effect
            } else if (option.equals("tmpcopyup")) {
                tmpcopyup = true;
            } else if (option.equals("notmpcopyup")) {
                tmpcopyup = false; // podman's spelling: a later option wins, as with ro and rw
            } else if (option.equals("idmap") || option.equals("ridmap") || option.startsWith("idmap=")) {
                throw new IllegalArgumentException("mount " + destination + ": option \"" + option
                        + "\" needs user namespaces, which jrun does not support yet; remove it");
            } else if (option.equals("remount") || option.equals("sync") || option.equals("dirsync")
                    || option.equals("mand")) {
                throw new IllegalArgumentException("mount " + destination + ": option \"" + option
                        + "\" is not supported by jrun; remove it");
            } else if (bind) {
                throw new IllegalArgumentException("mount " + destination + ": \"" + option
                        + "\" is not an option of a bind mount (ro, nosuid, nodev, noexec, rprivate…)");
            } else {
                data.add(option);
            }
        }
        String type = bind ? "bind" : m.type();
        String source = m.source();
        if (bind) {
            if (source == null || source.isEmpty()) {
                throw new IllegalArgumentException("bind mount " + destination + " has no source");
            }
            source = bundle.resolve(source).normalize().toString();
        } else {
            if (type == null || type.isEmpty()) {
                throw new IllegalArgumentException("mount " + destination + " has no type: give one (tmpfs, proc…) or bind");
            }
            if (source == null || source.isEmpty()) {
                source = type;
            }
            if (tmpcopyup && !type.equals("tmpfs")) {
                throw new IllegalArgumentException("mount " + destination + ": tmpcopyup is for tmpfs mounts only");
            }
        }
        return new MountPlan(destination, type, source, bind, recursive, set, clear, propagation, propagationRecursive,
                List.copyOf(data), tmpcopyup);
    }

    /** /proc and what lies below it: mounted by the gate keeper, once the app's pid namespace exists. */
    boolean underProc() {
        return destination.equals("/proc") || destination.startsWith("/proc/");
    }

    boolean isProc() {
        return destination.equals("/proc") && "proc".equals(type);
    }

    /** The mount is an overlay on / : jrun mounts it as the container's root. */
    boolean isRootOverlay() {
        return destination.equals("/") && "overlay".equals(type);
    }

    String describe() {
        return (bind ? "bind mount of " + source : type + " mount") + " on " + destination;
    }
}
