package io.jrun.runtime.prepare;

import java.util.Locale;

/** The container's network: its own namespace with only loopback, or the host's. */
public enum Network {
    /** A new network namespace with only {@code lo} (up): the default. */
    NONE,
    /** The host's network namespace, as {@code --net=host}: the container sees every interface. */
    HOST;

    /** Parses {@code --net}'s value. */
    public static Network parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "host" -> HOST;
            case "bridge", "default", "slirp4netns", "pasta" -> throw new IllegalArgumentException("--net=" + text
                    + " is not supported yet: use --net=none (the default) or --net=host");
            default -> throw new IllegalArgumentException("unknown network '" + text + "': use --net=none or --net=host");
        };
    }
}
