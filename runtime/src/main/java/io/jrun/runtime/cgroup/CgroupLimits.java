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
        return settings().isEmpty();
    }

    /** One cgroup interface file to write, the controller it needs, and the option it comes from. */
    public record Setting(String controller, String file, String value, String option) {
    }

    /** The files to write, in order. */
    public List<Setting> settings() {
        List<Setting> s = new ArrayList<>();
        if (cpusetCpus != null) {
            s.add(new Setting("cpuset", "cpuset.cpus", cpusetCpus, "--cpuset-cpus"));
        }
        if (cpus != null) {
            long quota = Math.max(1000, Math.round(cpus * CPU_PERIOD_USEC));
            s.add(new Setting("cpu", "cpu.max", quota + " " + CPU_PERIOD_USEC, "--cpus"));
        }
        if (cpuWeight != null) {
            s.add(new Setting("cpu", "cpu.weight", cpuWeight.toString(), "--cpu-weight"));
        }
        if (ioWeight != null) {
            s.add(new Setting("io", "io.weight", "default " + ioWeight, "--io-weight"));
        }
        if (pidsLimit != null) {
            s.add(new Setting("pids", "pids.max", pidsLimit == -1 ? "max" : pidsLimit.toString(), "--pids-limit"));
        }
        if (memory != null) {
            s.add(new Setting("memory", "memory.max", memory.toString(), "--memory"));
        }
        if (memorySwap != null) {
            s.add(new Setting("memory", "memory.swap.max", memorySwap == -1 ? "max" : Long.toString(memorySwap - memory),
                    "--memory-swap"));
        }
        return s;
    }

    /** The controllers the limits need, in the order first needed. */
    public Set<String> controllers() {
        Set<String> c = new LinkedHashSet<>();
        for (Setting s : settings()) {
            c.add(s.controller());
        }
        return c;
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
