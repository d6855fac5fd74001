package io.jrun.runtime.devices;

import io.jrun.linux.Bpf;
import io.jrun.runtime.spec.DeviceRule;

import java.util.List;

import static io.jrun.runtime.devices.EbpfInstruction.*;

/**
 * Compiles device rules ({@link DevicePolicy}'s semantics) into a cgroup device program. The
 * kernel calls it with r1 pointing at {@code struct bpf_cgroup_dev_ctx} and takes r0: 1 allows,
 * 0 denies. The program loads the request into registers, then tries the rules from the last to
 * the first, as runc's devicefilter does:
 *
 * <pre>
 *   w2 = ctx.access_type &amp; 0xffff     the device type (BPF_DEVCG_DEV_BLOCK or _CHAR)
 *   w3 = ctx.access_type &gt;&gt; 16        the accesses asked for, still undecided (BPF_DEVCG_ACC_*)
 *   w4 = ctx.major; w5 = ctx.minor
 *   per rule, last first:
 *     if w2 != TYPE goto next; if w4 != MAJOR goto next; if w5 != MINOR goto next   (what it names)
 *     allow: w3 &amp;= ~ACCESS; if w3 != 0 goto next; return 1    (all asked for is now allowed)
 *     deny:  w0 = w3 &amp; ACCESS; if w0 == 0 goto next; return 0  (an access asked for is denied)
 *   next: ...
 *   return DEFAULT
 * </pre>
 *
 * A rule naming all of r, w and m returns at once. Rules before the last one that covers every
 * device and access can never decide, and are left out; that rule itself gives the default
 * (deny when there is none). The comparisons are 32-bit (JMP32, Linux 5.1+): device numbers are
 * unsigned 32-bit values.
 */
final class DeviceFilter {
    // registers
    private static final int R0 = 0, R1 = 1, TYPE = 2, ACCESS = 3, MAJOR = 4, MINOR = 5;

    /** r, w and m as the kernel's BPF_DEVCG_ACC_* bits. */
    static final int ALL_ACCESS = Bpf.BPF_DEVCG_ACC_MKNOD | Bpf.BPF_DEVCG_ACC_READ | Bpf.BPF_DEVCG_ACC_WRITE;

    private DeviceFilter() {
    }

    /** A rule's access as the kernel's BPF_DEVCG_ACC_* bits. */
    static int accessBits(DeviceRule rule) {
        int bits = 0;
        for (char c : rule.access().toCharArray()) {
            bits |= switch (c) {
                case 'm' -> Bpf.BPF_DEVCG_ACC_MKNOD;
                case 'r' -> Bpf.BPF_DEVCG_ACC_READ;
                default -> Bpf.BPF_DEVCG_ACC_WRITE;
            };
        }
        return bits;
    }

    /** Whether the rule matches every device and every access: what it says, it says of everything. */
    static boolean coversEverything(DeviceRule rule) {
        return rule.type().equals("a") && rule.major() == null && rule.minor() == null && accessBits(rule) == ALL_ACCESS;
    }

    static DeviceProgram compile(List<DeviceRule> rules) {
        int catchAll = DevicePolicy.lastCatchAll(rules);
        boolean defaultAllow = catchAll >= 0 && rules.get(catchAll).allow();
        List<DeviceRule> deciding = rules.subList(catchAll + 1, rules.size());

        EbpfAssembler asm = new EbpfAssembler();
        asm.emit(loadWord(TYPE, R1, Bpf.CTX_ACCESS_TYPE));
        asm.emit(alu32(AND, TYPE, 0xffff));
        asm.emit(loadWord(ACCESS, R1, Bpf.CTX_ACCESS_TYPE));
        asm.emit(alu32(RSH, ACCESS, 16));
        asm.emit(loadWord(MAJOR, R1, Bpf.CTX_MAJOR));
        asm.emit(loadWord(MINOR, R1, Bpf.CTX_MINOR));
        for (DeviceRule rule : deciding.reversed()) {
            EbpfAssembler.Label next = asm.label();
            if (!rule.type().equals("a")) {
                asm.jump32(JNE, TYPE, rule.type().equals("b") ? Bpf.BPF_DEVCG_DEV_BLOCK : Bpf.BPF_DEVCG_DEV_CHAR, next);
            }
            if (rule.major() != null) {
                asm.jump32(JNE, MAJOR, (int) (long) rule.major(), next);
            }
            if (rule.minor() != null) {
                asm.jump32(JNE, MINOR, (int) (long) rule.minor(), next);
            }
            int access = accessBits(rule);
            if (rule.allow() && access != ALL_ACCESS) {
                asm.emit(alu32(AND, ACCESS, ~access));
                asm.jump32(JNE, ACCESS, 0, next);
            } else if (!rule.allow() && access != ALL_ACCESS) {
                asm.emit(alu32Register(MOV, R0, ACCESS));
                asm.emit(alu32(AND, R0, access));
                asm.jump32(JEQ, R0, 0, next);
            }
            returns(asm, rule.allow());
            asm.place(next);
        }
        returns(asm, defaultAllow);
        return new DeviceProgram(asm.assemble());
    }

    private static void returns(EbpfAssembler asm, boolean allow) {
        asm.emit(alu32(MOV, R0, allow ? 1 : 0));
        asm.emit(exit());
    }
}
