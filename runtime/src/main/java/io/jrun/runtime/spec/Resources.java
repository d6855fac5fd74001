package io.jrun.runtime.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code linux.resources}: the container cgroup's limits and its device allow-list. jrun writes
 * them to cgroup v2 files ({@code io.jrun.runtime.cgroup.CgroupSettings}); the v1-only fields of
 * the specification (kernel memory, swappiness, blkio leaf weights, net_cls…) are refused when
 * given, never silently dropped.
 *
 * @param devices        the device cgroup's rules, in order (the last match wins; default deny)
 * @param memory         memory limits, or null
 * @param cpu            CPU limits, or null
 * @param pids           the pids limit, or null
 * @param blockIO        the IO weight, or null
 * @param hugepageLimits hugetlb limits
 * @param unified        cgroup v2 interface files written as given ({@code cpu.weight}…), last
 */
public record Resources(List<DeviceRule> devices, Memory memory, Cpu cpu, Pids pids, BlockIo blockIO,
                        List<HugepageLimit> hugepageLimits, Map<String, String> unified) {
    public static final Resources NONE = new Resources(List.of(), null, null, null, null, List.of(), Map.of());

    public Resources {
        devices = devices == null ? List.of() : List.copyOf(devices);
        hugepageLimits = hugepageLimits == null ? List.of() : List.copyOf(hugepageLimits);
        unified = unified == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(unified));
        for (String file : unified.keySet()) {
            if (file.isEmpty() || file.contains("/") || !file.contains(".") || file.startsWith(".")) {
                throw new IllegalArgumentException("linux.resources.unified: \"" + file
                        + "\" is not a cgroup interface file name (controller.file)");
            }
        }
    }

    /**
     * @param limit       memory.max, bytes (-1: unlimited)
     * @param reservation memory.low, bytes
     * @param swap        memory plus swap, bytes (-1: unlimited swap); memory.swap.max is swap - limit
     */
    public record Memory(Long limit, Long reservation, Long swap) {
    }

    /**
     * @param shares v1 shares, converted to cpu.weight as runc and crun do
     * @param quota  cpu.max's quota, µs per period (-1: unlimited)
     * @param period cpu.max's period, µs (100000 when only the quota is given)
     * @param cpus   cpuset.cpus
     * @param mems   cpuset.mems
     */
    public record Cpu(Long shares, Long quota, Long period, String cpus, String mems) {
    }

    /** @param limit pids.max (-1 or 0: unlimited, as the specification says of values ≤ 0) */
    public record Pids(long limit) {
    }

    /** @param weight the v1 blkio weight, 10-1000, converted to io.weight */
    public record BlockIo(Integer weight) {
    }

    /** @param pageSize e.g. {@code 2MB}; @param limit bytes */
    public record HugepageLimit(String pageSize, long limit) {
    }

    public boolean hasLimits() {
        return memory != null || cpu != null || pids != null || blockIO != null || !hugepageLimits.isEmpty()
                || !unified.isEmpty();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.devices.addAll(devices);
        b.memory = memory;
        b.cpu = cpu;
        b.pids = pids;
        b.blockIO = blockIO;
        b.hugepageLimits.addAll(hugepageLimits);
        b.unified.putAll(unified);
        return b;
    }

    public static final class Builder {
        private final List<DeviceRule> devices = new ArrayList<>();
        private Memory memory;
        private Cpu cpu;
        private Pids pids;
        private BlockIo blockIO;
        private final List<HugepageLimit> hugepageLimits = new ArrayList<>();
        private final Map<String, String> unified = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder device(DeviceRule v) {
            devices.add(v);
            return this;
        }

        public Builder devices(List<DeviceRule> v) {
            devices.clear();
            devices.addAll(v);
            return this;
        }

        public Builder memory(Memory v) {
            memory = v;
            return this;
        }

        public Builder cpu(Cpu v) {
            cpu = v;
            return this;
        }

        public Builder pids(Pids v) {
            pids = v;
            return this;
        }

        public Builder blockIO(BlockIo v) {
            blockIO = v;
            return this;
        }

        public Builder hugepageLimit(HugepageLimit v) {
            hugepageLimits.add(v);
            return this;
        }

        public Builder unified(String file, String value) {
            unified.put(file, value);
            return this;
        }

        public Resources build() {
            return new Resources(devices, memory, cpu, pids, blockIO, hugepageLimits, unified);
        }
    }
}
