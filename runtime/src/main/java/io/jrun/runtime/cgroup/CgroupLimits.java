package io.jrun.runtime.cgroup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The resource limits of a pod, as {@code jrun run} takes them (docker's and podman's options);
 * null where not asked for. They become cgroup v2 interface files ({@link #settings()}).
 *
 * @param memory     --memory: memory.max, in bytes
 * @param memorySwap --memory-swap: memory plus swap, in bytes (-1: unlimited swap); swap.max is
 *                   the difference. Without it swap stays as the parent allows.
 * @param cpus       --cpus: cpu.max, as CPUs (0.5 = 50 ms of CPU time every 100 ms)
 * @param cpuWeight  --cpu-weight: cpu.weight, 1-10000
 * @param pidsLimit  --pids-limit: pids.max (-1: unlimited)
 * @param ioWeight   --io-weight: io.weight, 1-10000
 * @param cpusetCpus --cpuset-cpus: cpuset.cpus, a CPU list such as 0-1,3
 */
public record CgroupLimits(Long memory, Long memorySwap, Double cpus, Integer cpuWeight, Long pidsLimit,
                           Integer ioWeight, String cpusetCpus) {
    public static final CgroupLimits NONE = new CgroupLimits(null, null, null, null, null, null, null);
    /** cpu.max's period, as docker and the kernel's default: 100 ms. */
    static final long CPU_PERIOD_USEC = 100_000;

    public CgroupLimits {
        if (memory != null && memory < 6 * 1024 * 1024) {
            throw new IllegalArgumentException("--memory " + memory + " is too small: the minimum is 6m");
        }
        if (memorySwap != null) {
            if (memory == null) {
                throw new IllegalArgumentException("--memory-swap needs --memory: it is memory plus swap");
            }
            if (memorySwap != -1 && memorySwap < memory) {
                throw new IllegalArgumentException("--memory-swap must be at least --memory (it is memory plus swap), or -1 for unlimited swap");
            }
        }
        if (cpus != null && (cpus < 0.01 || cpus.isNaN() || cpus.isInfinite())) {
            throw new IllegalArgumentException("--cpus must be at least 0.01, not " + cpus);
        }
        if (cpuWeight != null && (cpuWeight < 1 || cpuWeight > 10_000)) {
            throw new IllegalArgumentException("--cpu-weight must be 1-10000, not " + cpuWeight);
        }
        if (ioWeight != null && (ioWeight < 1 || ioWeight > 10_000)) {
            throw new IllegalArgumentException("--io-weight must be 1-10000, not " + ioWeight);
        }
        if (pidsLimit != null && pidsLimit != -1 && pidsLimit < 1) {
            throw new IllegalArgumentException("--pids-limit must be at least 1, or -1 for unlimited, not " + pidsLimit);
        }
        if (cpusetCpus != null && !cpusetCpus.matches("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*")) {
            throw new IllegalArgumentException("invalid --cpuset-cpus '" + cpusetCpus + "': give a CPU list such as 0-1,3");
        }
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /**
     * The limits as the OCI configuration's {@code linux.resources} (docker's and podman's
     * mapping): --memory and --memory-swap to memory.limit and memory.swap (memory plus swap),
     * --cpus to cpu.quota over a 100 ms period, --cpuset-cpus to cpu.cpus, --pids-limit to
     * pids.limit, and the cgroup v2 weights, which the specification has no v2 field for, to
     * {@code unified} (as podman does).
     */
    public io.jrun.runtime.spec.Resources toResources() {
        io.jrun.runtime.spec.Resources.Builder b = io.jrun.runtime.spec.Resources.builder();
        if (memory != null) {
            b.memory(new io.jrun.runtime.spec.Resources.Memory(memory, null, memorySwap));
        }
        if (cpus != null || cpusetCpus != null) {
            Long quota = cpus == null ? null : Math.max(1000, Math.round(cpus * CPU_PERIOD_USEC));
            b.cpu(new io.jrun.runtime.spec.Resources.Cpu(null, quota, cpus == null ? null : CPU_PERIOD_USEC, cpusetCpus, null));
        }
        if (pidsLimit != null) {
            b.pids(new io.jrun.runtime.spec.Resources.Pids(pidsLimit));
        }
        if (cpuWeight != null) {
            b.unified("cpu.weight", cpuWeight.toString());
        }
        if (ioWeight != null) {
            b.unified("io.weight", "default " + ioWeight);
        }
        return b.build();
    }

    /** docker's sizes: a number of bytes with an optional b, k, m or g suffix (powers of 1024). */
    public static long parseBytes(String option, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("-1")) {
            return -1;
        }
        long unit = 1;
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> unit = 1;
            }
            if (unit != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            double value = Double.parseDouble(t);
            if (!t.matches("[0-9]+(\\.[0-9]+)?") || value * unit >= Long.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (long) (value * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + option + " '" + text + "': give a size such as 512m or 2g (units b, k, m, g)");
        }
    }
}
