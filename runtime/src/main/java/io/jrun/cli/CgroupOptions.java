package io.jrun.cli;

import io.jrun.runtime.cgroup.CgroupLimits;
import picocli.CommandLine.Option;

/** jrun run's cgroup v2 options (docker's and podman's names and units). */
final class CgroupOptions {
    @Option(names = {"-m", "--memory"}, paramLabel = "BYTES", description = "Memory limit (memory.max), e.g. 512m or 2g (units b, k, m, g).")
    String memory;

    @Option(names = "--memory-swap", paramLabel = "BYTES", description = "Memory plus swap (-1: unlimited swap); needs --memory.")
    String memorySwap;

    @Option(names = "--cpus", paramLabel = "N", description = "CPUs the app may use (cpu.max), e.g. 0.5 or 2.")
    Double cpus;

    @Option(names = "--cpu-weight", paramLabel = "1-10000", description = "Relative CPU share (cpu.weight; default 100).")
    Integer cpuWeight;

    @Option(names = "--pids-limit", paramLabel = "N", description = "Most processes and threads at once (pids.max; -1: unlimited).")
    Long pidsLimit;

    @Option(names = "--io-weight", paramLabel = "1-10000", description = "Relative block I/O share (io.weight; default 100).")
    Integer ioWeight;

    @Option(names = "--cpuset-cpus", paramLabel = "LIST", description = "CPUs the app may run on (cpuset.cpus), e.g. 0-1,3.")
    String cpusetCpus;

    @Option(names = "--cgroup-parent", paramLabel = "PATH", description = {"The cgroup (a path in the cgroup v2 hierarchy) the pod's",
            "cgroup is made in; default: $JRUN_CGROUP_PARENT, else the delegated systemd unit jrun runs in, else /jrun.slice."})
    String cgroupParent;

    CgroupLimits limits() {
        return new CgroupLimits(memory == null ? null : CgroupLimits.parseBytes("--memory", memory),
                memorySwap == null ? null : CgroupLimits.parseBytes("--memory-swap", memorySwap),
                cpus, cpuWeight, pidsLimit, ioWeight, cpusetCpus);
    }
}
