package io.jrun.runtime.launch;

/** Reading /proc/self/mountinfo. */
public final class MountInfo {
    private MountInfo() {
    }

    /** A path field as mountinfo writes it: space, tab, newline and backslash as octal escapes. */
    public static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).chars().allMatch(Character::isDigit)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
