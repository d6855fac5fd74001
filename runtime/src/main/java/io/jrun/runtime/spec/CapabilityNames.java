package io.jrun.runtime.spec;

import io.jrun.linux.Capabilities;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Capability names as users type them ({@code --cap-add}, {@code --cap-drop}): with or without
 * the {@code CAP_} prefix, in any case, as docker and podman take them; {@code ALL} stands for
 * every capability. The names are those of {@link Capabilities}' CAP_* constants (capabilities(7)).
 */
public final class CapabilityNames {
    /** The word for every capability the kernel knows. */
    public static final String ALL = "ALL";

    private static final Map<String, Integer> BY_NAME = byName();

    private CapabilityNames() {
    }

    /**
     * The canonical spelling of {@code name}: {@code CAP_SYS_ADMIN} for "sys_admin", "Cap_Sys_Admin"
     * or "CAP_SYS_ADMIN"; {@code ALL} for "all". Throws an IllegalArgumentException (one line,
     * naming {@code option}) for a name no kernel knows.
     */
    public static String canonical(String name, String option) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        if (upper.equals(ALL)) {
            return ALL;
        }
        String full = upper.startsWith("CAP_") ? upper : "CAP_" + upper;
        if (!BY_NAME.containsKey(full)) {
            throw new IllegalArgumentException("unknown capability '" + name + "' in " + option
                    + ": use a name from capabilities(7) such as NET_ADMIN or CAP_NET_ADMIN, or ALL");
        }
        return full;
    }

    /** The number of a canonical name ({@link #canonical}); not for ALL. */
    public static int number(String canonicalName) {
        int number = numberOrMinusOne(canonicalName);
        if (number < 0) {
            throw new IllegalArgumentException("not a capability name: " + canonicalName);
        }
        return number;
    }

    /** The number of a CAP_* name, or -1 when there is no such capability (for profile parsing). */
    public static int numberOrMinusOne(String canonicalName) {
        Integer number = BY_NAME.get(canonicalName);
        return number == null ? -1 : number;
    }

    /** The name of capability {@code number}, or {@code CAP_<number>} for one jrun has no name for. */
    public static String name(int number) {
        for (Map.Entry<String, Integer> e : BY_NAME.entrySet()) {
            if (e.getValue() == number) {
                return e.getKey();
            }
        }
        return "CAP_" + number;
    }

    /** The names of the capabilities in {@code set}, by number. */
    public static List<String> names(long set) {
        List<String> names = new ArrayList<>();
        for (int cap = 0; cap < 64; cap++) {
            if ((set & (1L << cap)) != 0) {
                names.add(name(cap));
            }
        }
        return names;
    }

    /** The set of the canonical names {@code names}. */
    public static long set(List<String> names) {
        long set = 0;
        for (String name : names) {
            set |= 1L << number(name);
        }
        return set;
    }

    private static Map<String, Integer> byName() {
        Map<String, Integer> names = new TreeMap<>();
        for (Field f : Capabilities.class.getFields()) {
            if (f.getName().startsWith("CAP_") && f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                try {
                    names.put(f.getName(), f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return Map.copyOf(names);
    }
}
