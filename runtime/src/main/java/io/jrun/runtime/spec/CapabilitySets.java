package io.jrun.runtime.spec;

import java.util.List;

/**
 * {@code process.capabilities}: the five sets, each a list of {@code CAP_*} names.
 */
public record CapabilitySets(List<String> bounding, List<String> effective, List<String> inheritable,
                             List<String> permitted, List<String> ambient) {
    public static final CapabilitySets NONE = new CapabilitySets(List.of(), List.of(), List.of(), List.of(), List.of());

    public CapabilitySets {
        bounding = copy(bounding);
        effective = copy(effective);
        inheritable = copy(inheritable);
        permitted = copy(permitted);
        ambient = copy(ambient);
    }

    /** docker's and podman's shape: bounding = effective = permitted, no inheritable, no ambient. */
    public static CapabilitySets of(List<String> names) {
        return new CapabilitySets(names, names, List.of(), names, List.of());
    }

    private static List<String> copy(List<String> names) {
        if (names == null) {
            return List.of();
        }
        for (String n : names) {
            if (n == null || !n.startsWith("CAP_")) {
                throw new IllegalArgumentException("process.capabilities: \"" + n + "\" is not a CAP_* name");
            }
        }
        return List.copyOf(names);
    }
}
