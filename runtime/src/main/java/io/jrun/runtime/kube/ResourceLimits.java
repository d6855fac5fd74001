package io.jrun.runtime.kube;

import java.util.OptionalLong;

/**
 * A container's {@code resources.limits}; null where none is set.
 *
 * @param cpu    CPUs (500m, 0.5, 2), cgroup v2 cpu.max
 * @param memory bytes (64Mi, 1G, 128974848), cgroup v2 memory.max
 */
public record ResourceLimits(Quantity cpu, Quantity memory) {
    public static final ResourceLimits NONE = new ResourceLimits(null, null);

    /** The CPU limit in millicores (500 for 500m), if set; {@link PodValidator} made sure it is whole. */
    public OptionalLong cpuMillis() {
        return cpu == null ? OptionalLong.empty() : cpu.wholeMillis();
    }

    /** The memory limit in bytes, if set; {@link PodValidator} made sure it is whole. */
    public OptionalLong memoryBytes() {
        return memory == null ? OptionalLong.empty() : memory.wholeBytes();
    }
}
