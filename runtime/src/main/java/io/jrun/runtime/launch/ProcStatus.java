package io.jrun.runtime.launch;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /proc/PID/status} says about a process's identity and confinement: what
 * {@code jrun enter} gives the process it starts in the app's container.
 *
 * @param uid          the effective user id (second field of "Uid:")
 * @param gid          the effective group id
 * @param groups       the supplementary groups ("Groups:")
 * @param capBounding  the capability bounding set ("CapBnd:"), one bit per CAP_* number
 * @param noNewPrivs   "NoNewPrivs: 1"
 * @param seccompMode  "Seccomp:": 0 none, 1 strict, 2 filter
 */
record ProcStatus(long uid, long gid, List<Long> groups, long capBounding, boolean noNewPrivs, int seccompMode) {
    ProcStatus {
        groups = List.copyOf(groups);
    }

    /** Parses the file's text; throws IllegalArgumentException naming a field that is missing. */
    static ProcStatus parse(String text) {
        String uid = null, gid = null, groups = null, capBnd = null, nnp = null, seccomp = null;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String value = line.substring(colon + 1).strip();
            switch (line.substring(0, colon)) {
                case "Uid" -> uid = value;
                case "Gid" -> gid = value;
                case "Groups" -> groups = value;
                case "CapBnd" -> capBnd = value;
                case "NoNewPrivs" -> nnp = value;
                case "Seccomp" -> seccomp = value;
                default -> { }
            }
        }
        List<Long> supplementary = new ArrayList<>();
        for (String g : required("Groups", groups).split("\\s+")) {
            if (!g.isEmpty()) {
                supplementary.add(Long.parseLong(g));
            }
        }
        return new ProcStatus(effective("Uid", uid), effective("Gid", gid), supplementary,
                Long.parseUnsignedLong(required("CapBnd", capBnd), 16), required("NoNewPrivs", nnp).equals("1"), Integer.parseInt(required("Seccomp", seccomp)));
    }

    /** "Uid:" and "Gid:" list the real, effective, saved and file system ids. */
    private static long effective(String field, String value) {
        String[] ids = required(field, value).split("\\s+");
        if (ids.length < 2) {
            throw new IllegalArgumentException("the process status has a malformed " + field + " line: " + value);
        }
        return Long.parseLong(ids[1]);
    }

    private static String required(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException("the process status has no " + field + " line");
        }
        return value;
    }
}
