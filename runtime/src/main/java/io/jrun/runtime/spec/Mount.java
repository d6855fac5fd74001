package io.jrun.runtime.spec;

import java.util.List;

/**
 * One entry of {@code mounts}: mounted at {@code destination} inside the container, in the order
 * given.
 *
 * @param destination an absolute path inside the container
 * @param type        the file system type ({@code proc}, {@code tmpfs}, {@code bind}…); for a
 *                    bind mount {@code bind}, or null with a {@code bind}/{@code rbind} option
 * @param source      a device, a file system's source name, or for a bind mount a host path
 * @param options     mount(8)-style options: flags ({@code ro}, {@code nosuid}, {@code rbind},
 *                    {@code rprivate}…), jrun's and crun's {@code tmpcopyup}, and data for the
 *                    file system ({@code mode=755}, {@code size=64m}…)
 */
public record Mount(String destination, String type, String source, List<String> options) {
    public Mount {
        if (destination == null || destination.isEmpty()) {
            throw new IllegalArgumentException("a mount has no destination");
        }
        options = options == null ? List.of() : List.copyOf(options);
    }

    /** A bind mount (recursive unless {@code options} say {@code bind}). */
    public boolean isBind() {
        return "bind".equals(type) || options.contains("bind") || options.contains("rbind");
    }

    public boolean hasOption(String option) {
        return options.contains(option);
    }
}
