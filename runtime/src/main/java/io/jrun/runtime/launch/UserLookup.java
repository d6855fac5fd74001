package io.jrun.runtime.launch;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves docker's {@code USER[:GROUP]} (names or numbers) against an image's /etc/passwd
 * and /etc/group, as runc does: a name must exist, a number need not; the primary group is
 * the passwd entry's unless GROUP is given; the supplementary groups are the primary group and
 * the /etc/group entries that list the user's name; HOME comes from the passwd entry, else "/".
 *
 * <p>The files come from the image, so they are hostile input: lines that do not parse are
 * skipped, ids outside 0…4294967294 are refused, and nothing here follows a path.
 */
final class UserLookup {
    private UserLookup() {
    }

    /** The user the app runs as, and its home directory. */
    record Resolved(User user, String home) {
    }

    private record PasswdEntry(String name, long uid, long gid, String home) {
    }

    private record GroupEntry(String name, long gid, List<String> members) {
    }

    /**
     * @param spec   {@code ""} (root), {@code user}, {@code uid}, {@code user:group}, {@code uid:gid}…
     * @param passwd the image's /etc/passwd, or null when it has none
     * @param group  the image's /etc/group, or null when it has none
     */
    static Resolved resolve(String spec, String passwd, String group) throws LaunchException {
        String userPart = spec == null || spec.isEmpty() ? "0" : spec;
        String groupPart = null;
        int colon = userPart.indexOf(':');
        if (colon >= 0) {
            groupPart = userPart.substring(colon + 1);
            userPart = userPart.substring(0, colon);
            if (userPart.isEmpty() || groupPart.isEmpty()) {
                throw invalid(spec);
            }
        }
        List<PasswdEntry> users = parsePasswd(passwd);
        Optional<PasswdEntry> entry;
        long uid;
        if (isNumber(userPart)) {
            uid = id(userPart, spec);
            entry = users.stream().filter(u -> u.uid() == uid).findFirst();
        } else {
            String name = userPart;
            entry = users.stream().filter(u -> u.name().equals(name)).findFirst();
            if (entry.isEmpty()) {
                throw new LaunchException(LaunchException.JRUN_ERROR, "unable to find user " + name
                        + ": no matching entries in the image's /etc/passwd: give a user the image has, or a numeric uid");
            }
            uid = entry.get().uid();
        }
        List<GroupEntry> groups = parseGroup(group);
        long gid = entry.map(PasswdEntry::gid).orElse(0L);
        if (groupPart != null) {
            if (isNumber(groupPart)) {
                gid = id(groupPart, spec);
            } else {
                String name = groupPart;
                gid = groups.stream().filter(g -> g.name().equals(name)).findFirst()
                        .orElseThrow(() -> new LaunchException(LaunchException.JRUN_ERROR, "unable to find group " + name
                                + ": no matching entries in the image's /etc/group: give a group the image has, or a numeric gid"))
                        .gid();
            }
        }
        Set<Long> supplementary = new LinkedHashSet<>();
        supplementary.add(gid); // docker's and runc's: the primary group is in the list too
        if (entry.isPresent()) {
            String name = entry.get().name();
            for (GroupEntry g : groups) {
                if (g.members().contains(name)) {
                    supplementary.add(g.gid());
                }
            }
        }
        if (supplementary.size() > 65536) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "the image's /etc/group gives user " + userPart
                    + " more than 65536 groups: fix the image");
        }
        String home = entry.map(PasswdEntry::home).filter(h -> h.startsWith("/")).orElse("/");
        return new Resolved(new User(uid, gid, new ArrayList<>(supplementary)), home);
    }

    private static List<PasswdEntry> parsePasswd(String text) {
        List<PasswdEntry> entries = new ArrayList<>();
        if (text == null) {
            return entries;
        }
        for (String line : text.split("\n")) {
            String[] f = line.split(":", -1);
            // name:password:uid:gid:gecos:home:shell; NIS "+"/"-" lines and comments skipped
            if (f.length < 7 || f[0].isEmpty() || f[0].startsWith("+") || f[0].startsWith("-") || f[0].startsWith("#")
                    || !isId(f[2]) || !isId(f[3])) {
                continue;
            }
            entries.add(new PasswdEntry(f[0], Long.parseLong(f[2]), Long.parseLong(f[3]), f[5]));
        }
        return entries;
    }

    private static List<GroupEntry> parseGroup(String text) {
        List<GroupEntry> entries = new ArrayList<>();
        if (text == null) {
            return entries;
        }
        for (String line : text.split("\n")) {
            String[] f = line.split(":", -1);
            // name:password:gid:member,member
            if (f.length < 4 || f[0].isEmpty() || f[0].startsWith("+") || f[0].startsWith("-") || f[0].startsWith("#")
                    || !isId(f[2])) {
                continue;
            }
            List<String> members = f[3].isEmpty() ? List.of() : List.of(f[3].split(","));
            entries.add(new GroupEntry(f[0], Long.parseLong(f[2]), members));
        }
        return entries;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    /** A decimal id in range, at most 10 digits (so parsing cannot overflow). */
    private static boolean isId(String s) {
        return isNumber(s) && s.length() <= 10 && Long.parseLong(s) <= 0xfffffffeL;
    }

    private static long id(String s, String spec) throws LaunchException {
        if (!isId(s)) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "invalid user or group id '" + s + "' in '" + spec
                    + "': ids go from 0 to 4294967294");
        }
        return Long.parseLong(s);
    }

    private static LaunchException invalid(String spec) {
        return new LaunchException(LaunchException.JRUN_ERROR, "invalid user '" + spec + "': use USER, UID, USER:GROUP or UID:GID");
    }
}
