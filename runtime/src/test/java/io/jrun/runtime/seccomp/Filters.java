package io.jrun.runtime.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrun.linux.Architecture;
import io.jrun.linux.Seccomp;
import io.jrun.runtime.prepare.SpecPreparer;
import io.jrun.runtime.prepare.EffectiveConfig;
import io.jrun.runtime.spec.CapabilityNames;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shared values and checks of the seccomp tests. */
final class Filters {
    private Filters() {
    }

    static final int ALLOW = Seccomp.SECCOMP_RET_ALLOW;
    static final int EPERM = Seccomp.SECCOMP_RET_ERRNO | 1;
    static final int ENOSYS = Seccomp.SECCOMP_RET_ERRNO | 38;
    static final int KILL_PROCESS = Seccomp.SECCOMP_RET_KILL_PROCESS;
    static final long PODMAN_CAPS = CapabilityNames.set(SpecPreparer.DEFAULT_CAPABILITIES);
    static final KernelVersion KERNEL = new KernelVersion(6, 18);

    static SeccompTarget target(Architecture arch, long caps) {
        return new SeccompTarget(arch, caps, KERNEL, true);
    }

    static SeccompProfile profile(String json) throws SeccompProfileException {
        return ProfileParser.parse(json.getBytes(StandardCharsets.UTF_8), "/test.json");
    }

    static SeccompProgram compile(String json, Architecture arch) throws SeccompProfileException {
        return SeccompCompiler.compile(profile(json), target(arch, PODMAN_CAPS));
    }

    /**
     * What the kernel's checker requires of a seccomp filter: 1 to 4096 instructions, every
     * jump landing inside the program (forward, as classic BPF only jumps forward), loads of
     * aligned words inside seccomp_data, a return at the end.
     */
    static void assertWellFormed(SeccompProgram program) {
        List<BpfInstruction> insns = program.instructions();
        assertThat(insns).hasSizeBetween(1, Seccomp.MAX_INSTRUCTIONS);
        assertThat(insns.getLast().code() & 0x07).as("the last instruction returns").isEqualTo(BpfInstruction.RET);
        for (int i = 0; i < insns.size(); i++) {
            BpfInstruction insn = insns.get(i);
            int cls = insn.code() & 0x07;
            if (cls == BpfInstruction.JMP) {
                if ((insn.code() & 0xf0) == BpfInstruction.JA) {
                    assertThat(Integer.toUnsignedLong(insn.k()) + i + 1).as("ja at %d", i).isLessThan(insns.size());
                } else {
                    assertThat(i + 1 + insn.jt()).as("jt at %d", i).isLessThan(insns.size());
                    assertThat(i + 1 + insn.jf()).as("jf at %d", i).isLessThan(insns.size());
                }
            }
            if (insn.code() == (BpfInstruction.LD | BpfInstruction.W | BpfInstruction.ABS)) {
                assertThat(insn.k()).as("load at %d", i).isBetween(0, SeccompData.SIZE - 4);
                assertThat(insn.k() % 4).isZero();
            }
        }
    }

    static String hex(int ret) {
        return String.format("0x%08x", ret);
    }
}
