package io.jrun.runtime.cgroup;

import java.util.OptionalLong;

/**
 * A pod's resource use at one moment; empty where the controller is not enabled for it.
 *
 * @param memoryCurrent memory.current, bytes
 * @param cpuUsageUsec  cpu.stat's usage_usec (always there: the core accounts CPU time)
 * @param pidsCurrent   pids.current
 */
public record CgroupUsage(OptionalLong memoryCurrent, OptionalLong cpuUsageUsec, OptionalLong pidsCurrent) {
}
