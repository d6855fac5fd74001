package io.jrun.runtime.devices;

import java.util.List;

/**
 * A compiled device policy: a {@code BPF_PROG_TYPE_CGROUP_DEVICE} program, ready for
 * {@code io.jrun.linux.Bpf#loadCgroupDeviceProgram}. Immutable.
 */
public record DeviceProgram(List<EbpfInstruction> instructions) {
    public DeviceProgram {
        instructions = List.copyOf(instructions);
    }

    /** The instructions as the kernel reads them, one 64-bit word each. */
    public long[] encoded() {
        long[] words = new long[instructions.size()];
        for (int i = 0; i < words.length; i++) {
            words[i] = instructions.get(i).encoded();
        }
        return words;
    }
}
