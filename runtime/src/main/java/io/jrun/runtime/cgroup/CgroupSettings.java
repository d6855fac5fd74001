package io.jrun.runtime.cgroup;

import io.jrun.runtime.spec.Resources;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code linux.resources} as cgroup v2 interface files, with runc's and crun's conversions for
 * the specification's v1-shaped fields (cpu shares to cpu.weight, blkio weight to io.weight,
 * memory plus swap to memory.swap.max); {@code unified} entries are written as given, last.
 */
public final class CgroupSettings {
    private CgroupSettings() {
    }

    /** One interface file to write, the controller it needs, and the field it comes from. */
    public record Setting(String controller, String file, String value, String origin) {
    }

    /** jrun run's options, for messages: the configuration field each one fills. */
    private static final Map<String, String> OPTIONS = Map.of(
            "linux.resources.memory.limit", "--memory", "linux.resources.memory.swap", "--memory-swap",
            "linux.resources.cpu.quota", "--cpus", "linux.resources.cpu.cpus", "--cpuset-cpus",
            "linux.resources.pids.limit", "--pids-limit", "linux.resources.unified.cpu.weight", "--cpu-weight",
            "linux.resources.unified.io.weight", "--io-weight");

    /** How a field reads in a message: the option jrun run fills it from, if any, and the field. */
    public static String describe(String origin) {
        String option = OPTIONS.get(origin);
        return option == null ? origin : option + " (" + origin + ")";
    }

    /** What to drop to do without a setting: jrun run's option, else the configuration's field. */
    public static String what(String origin) {
        return OPTIONS.getOrDefault(origin, origin);
    }

    /** The files to write, in order. */
    public static List<Setting> of(Resources r) {
        List<Setting> s = new ArrayList<>();
        Resources.Cpu cpu = r.cpu();
        if (cpu != null) {
            if (cpu.cpus() != null && !cpu.cpus().isEmpty()) {
                s.add(new Setting("cpuset", "cpuset.cpus", cpu.cpus(), "linux.resources.cpu.cpus"));
            }
            if (cpu.mems() != null && !cpu.mems().isEmpty()) {
                s.add(new Setting("cpuset", "cpuset.mems", cpu.mems(), "linux.resources.cpu.mems"));
            }
            if (cpu.quota() != null || cpu.period() != null) {
                long period = cpu.period() == null || cpu.period() == 0 ? 100_000 : cpu.period();
                String quota = cpu.quota() == null || cpu.quota() <= 0 ? "max" : cpu.quota().toString();
                s.add(new Setting("cpu", "cpu.max", quota + " " + period, "linux.resources.cpu.quota"));
            }
            if (cpu.shares() != null && cpu.shares() != 0) {
                // runc's ConvertCPUSharesToCgroupV2Value: [2, 262144] onto [1, 10000]
                long shares = Math.clamp(cpu.shares(), 2, 262_144);
                s.add(new Setting("cpu", "cpu.weight", Long.toString(1 + ((shares - 2) * 9999) / 262_142),
                        "linux.resources.cpu.shares"));
            }
        }
        if (r.blockIO() != null && r.blockIO().weight() != null && r.blockIO().weight() != 0) {
            // runc's ConvertBlkIOToIOWeightValue: [10, 1000] onto [1, 10000]
            long weight = Math.clamp(r.blockIO().weight(), 10, 1000);
            s.add(new Setting("io", "io.weight", "default " + (1 + (weight - 10) * 9999 / 990), "linux.resources.blockIO.weight"));
        }
        if (r.pids() != null) {
            s.add(new Setting("pids", "pids.max", r.pids().limit() <= 0 ? "max" : Long.toString(r.pids().limit()),
                    "linux.resources.pids.limit"));
        }
        Resources.Memory memory = r.memory();
        if (memory != null) {
            if (memory.reservation() != null && memory.reservation() > 0) {
                s.add(new Setting("memory", "memory.low", memory.reservation().toString(), "linux.resources.memory.reservation"));
            }
            if (memory.limit() != null && memory.limit() != 0) {
                s.add(new Setting("memory", "memory.max", memory.limit() < 0 ? "max" : memory.limit().toString(),
                        "linux.resources.memory.limit"));
            }
            if (memory.swap() != null && memory.swap() != 0) {
                String swap;
                if (memory.swap() < 0) {
                    swap = "max";
                } else if (memory.limit() == null || memory.limit() <= 0) {
                    throw new IllegalArgumentException("linux.resources.memory.swap needs a memory limit: it is memory plus swap");
                } else if (memory.swap() < memory.limit()) {
                    throw new IllegalArgumentException("linux.resources.memory.swap (" + memory.swap()
                            + ") is below the memory limit (" + memory.limit() + "): it is memory plus swap");
                } else {
                    swap = Long.toString(memory.swap() - memory.limit());
                }
                s.add(new Setting("memory", "memory.swap.max", swap, "linux.resources.memory.swap"));
            }
        }
        for (Resources.HugepageLimit h : r.hugepageLimits()) {
            s.add(new Setting("hugetlb", "hugetlb." + h.pageSize() + ".max", Long.toString(h.limit()),
                    "linux.resources.hugepageLimits"));
        }
        r.unified().forEach((file, value) -> s.add(new Setting(file.substring(0, file.indexOf('.')), file, value,
                "linux.resources.unified." + file)));
        return s;
    }

    /** The controllers the settings need, in the order first needed. */
    public static Set<String> controllers(List<Setting> settings) {
        Set<String> c = new LinkedHashSet<>();
        for (Setting s : settings) {
            if (!s.controller().equals("cgroup")) { // cgroup.* files need no controller
                c.add(s.controller());
            }
        }
        return c;
    }
}
