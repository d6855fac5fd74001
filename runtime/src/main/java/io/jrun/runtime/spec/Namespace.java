package io.jrun.runtime.spec;

import java.util.Set;

/**
 * One of {@code linux.namespaces}.
 *
 * @param type {@code pid}, {@code network}, {@code mount}, {@code ipc}, {@code uts}, {@code user},
 *             {@code cgroup} or {@code time}
 * @param path a namespace file to join ({@code /proc/PID/ns/net}, a bind-mounted nsfs file), or
 *             null to make a new namespace
 */
public record Namespace(String type, String path) {
    public static final String PID = "pid", NETWORK = "network", MOUNT = "mount", IPC = "ipc", UTS = "uts",
            USER = "user", CGROUP = "cgroup", TIME = "time";
    private static final Set<String> TYPES = Set.of(PID, NETWORK, MOUNT, IPC, UTS, USER, CGROUP, TIME);

    public Namespace {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown namespace type \"" + type
                    + "\": use pid, network, mount, ipc, uts, user, cgroup or time");
        }
        if (path != null && path.isEmpty()) {
            path = null;
        }
        if (path != null && !path.startsWith("/")) {
            throw new IllegalArgumentException("the " + type + " namespace's path must be absolute, not \"" + path + "\"");
        }
    }

    public static Namespace of(String type) {
        return new Namespace(type, null);
    }
}
