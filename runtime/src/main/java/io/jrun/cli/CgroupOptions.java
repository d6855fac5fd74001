package io.jrun.cli;

import io.jrun.runtime.cgroup.CgroupLimits;
import picocli.CommandLine.Model.CommandSpec;

/** jrun run's cgroup v2 options (docker's and podman's names and units). */
final class CgroupOptions {
    private String memory;
    private String memorySwap;
    private Double cpus;
    private Integer cpuWeight;
    private Long pidsLimit;
    private Integer ioWeight;
    private String cpusetCpus;
    String cgroupParent;

    void addTo(CommandSpec spec) {
        addLimitsTo(spec);
        spec.addOption(Specs.option(String.class, "PATH", v -> cgroupParent = v, () -> cgroupParent, "--cgroup-parent")
                .description("The cgroup (a path in the cgroup v2 hierarchy) the pod's"
                        + " cgroup is made in; default: $JRUN_CGROUP_PARENT, else the delegated systemd unit jrun runs in, else /jrun.slice.")
                .build());
    }

    /** The limits alone: an app of a pod of several apps takes them after its IMAGE, for its own cgroup. */
    void addLimitsTo(CommandSpec spec) {
        spec.addOption(Specs.option(String.class, "BYTES", v -> memory = v, () -> memory, "-m", "--memory")
                .description("Memory limit (memory.max), e.g. 512m or 2g (units b, k, m, g).").build());
        spec.addOption(Specs.option(String.class, "BYTES", v -> memorySwap = v, () -> memorySwap, "--memory-swap")
                .description("Memory plus swap (-1: unlimited swap); needs --memory.").build());
        spec.addOption(Specs.option(Double.class, "N", v -> cpus = v, () -> cpus, "--cpus")
                .description("CPUs the app may use (cpu.max), e.g. 0.5 or 2.").build());
        spec.addOption(Specs.option(Integer.class, "1-10000", v -> cpuWeight = v, () -> cpuWeight, "--cpu-weight")
                .description("Relative CPU share (cpu.weight; default 100).").build());
        spec.addOption(Specs.option(Long.class, "N", v -> pidsLimit = v, () -> pidsLimit, "--pids-limit")
                .description("Most processes and threads at once (pids.max; -1: unlimited).").build());
        spec.addOption(Specs.option(Integer.class, "1-10000", v -> ioWeight = v, () -> ioWeight, "--io-weight")
                .description("Relative block I/O share (io.weight; default 100).").build());
        spec.addOption(Specs.option(String.class, "LIST", v -> cpusetCpus = v, () -> cpusetCpus, "--cpuset-cpus")
                .description("CPUs the app may run on (cpuset.cpus), e.g. 0-1,3.").build());
    }

    CgroupLimits limits() {
        return new CgroupLimits(memory == null ? null : CgroupLimits.parseBytes("--memory", memory),
                memorySwap == null ? null : CgroupLimits.parseBytes("--memory-swap", memorySwap),
                cpus, cpuWeight, pidsLimit, ioWeight, cpusetCpus);
    }
}
