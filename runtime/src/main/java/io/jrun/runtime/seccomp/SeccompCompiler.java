package io.jrun.runtime.seccomp;

import io.jrun.linux.Architecture;
import io.jrun.linux.Errno;
import io.jrun.linux.Seccomp;
import io.jrun.linux.SyscallTable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

import static io.jrun.runtime.seccomp.BpfInstruction.JEQ;
import static io.jrun.runtime.seccomp.BpfInstruction.JGE;
import static io.jrun.runtime.seccomp.BpfInstruction.JGT;

/**
 * Compiles a profile into a classic BPF filter for one architecture and one container.
 *
 * <p>The program, in order:
 * <ol>
 * <li><b>Architecture.</b> A call from any ABI but the native one (i386 or x32 on x86_64,
 *     AArch32 on aarch64) kills the process: the same number means a different call in another
 *     ABI, and jrun's tables and profiles describe the native one. On x86_64, x32 calls carry
 *     the native AUDIT_ARCH but bit 30 in the number: numbers from 0x40000000 up are killed too,
 *     except -1 (0xffffffff), which is no call at all (tracers use it to skip one) and gets the
 *     ENOSYS below. docker's profile lists the i386 and x32 ABIs as sub-architectures and
 *     filters them; jrun refuses them outright.</li>
 * <li><b>ENOSYS for calls newer than the profile</b> (runc's rule, which docker and podman get
 *     through runc and crun): a number above the highest one the profile names for this
 *     architecture answers ENOSYS instead of the default action. A C library probes a new call
 *     (clone3, faccessat2, statx, ...) and falls back to an older one on ENOSYS, but gives up on
 *     EPERM; so a container started by a profile older than the kernel keeps working.
 *     "Names" counts every rule meant for this architecture, whether or not its capability or
 *     kernel conditions hold: a call the profile knows but denies this container still gets the
 *     profile's answer. Not done when the default action lets calls through (ALLOW, LOG, TRACE)
 *     or already is ENOSYS.</li>
 * <li><b>The rules</b>, found by a binary search on the call number. A call's answer:
 *     an applicable rule without arguments decides it outright (as in libseccomp, where such a
 *     rule makes any argument rule for the same call unreachable; two of them with different
 *     actions are a profile error); otherwise the argument rules are tried in profile order and
 *     the first whose comparisons all hold decides; otherwise the default action. A rule that
 *     compares the same argument more than once is split into one rule per comparison (they
 *     are or-ed), as runc does; different arguments are and-ed.</li>
 * <li><b>The default action.</b></li>
 * </ol>
 *
 * <p>Arguments are compared as unsigned 64-bit numbers, in two 32-bit halves (classic BPF
 * has a 32-bit accumulator). The kernel truncates {@code int} parameters to their low half, a
 * filter cannot know the C types, so a rule that <em>allows</em> with NE, GT or GE on an
 * {@code int} parameter can be passed with garbage in the high half. The built-in profile
 * allows with EQ, LT and MASKED_EQ only, which the high half must satisfy too.
 */
public final class SeccompCompiler {
    private SeccompCompiler() {
    }

    /** Number of calls per binary-search leaf, compared one by one. */
    private static final int LEAF = 4;

    private record Branch(List<ArgCondition> conditions, int ret) {
    }

    /** What one call gets: {@code unconditional}, or the branches in order and then the default. */
    private static final class Plan {
        Integer unconditional;
        SyscallRule decidedBy;
        final List<Branch> branches = new ArrayList<>();
    }

    /** Compiles {@code profile} for {@code target}, then checks jrun's launcher survives it. */
    public static SeccompProgram compile(SeccompProfile profile, SeccompTarget target) throws SeccompProfileException {
        Architecture arch = target.architecture();
        SyscallTable table = arch.syscalls();
        int defaultRet = profile.defaultRet();
        Map<Integer, Plan> plans = plans(profile, target, table);

        BpfAssembler asm = new BpfAssembler();
        BpfAssembler.Label nativeArch = asm.label(), wrongAbi = asm.label();
        asm.emit(BpfInstruction.load(Seccomp.DATA_ARCH));
        asm.jump(JEQ, arch.auditArch(), nativeArch, wrongAbi);
        asm.place(wrongAbi);
        asm.emit(BpfInstruction.ret(Seccomp.SECCOMP_RET_KILL_PROCESS));
        asm.place(nativeArch);
        asm.emit(BpfInstruction.load(Seccomp.DATA_NR));
        BpfAssembler.Label rules = asm.label();
        if (arch == Architecture.X86_64) {
            BpfAssembler.Label high = asm.label(), x32 = asm.label(), native64 = asm.label();
            asm.jump(JGE, Architecture.X32_SYSCALL_BIT, high, native64);
            asm.place(high);
            asm.jump(JEQ, -1, native64, x32);
            asm.place(x32);
            asm.emit(BpfInstruction.ret(Seccomp.SECCOMP_RET_KILL_PROCESS));
            asm.place(native64);
        }
        OptionalInt highest = highestKnown(profile, target, table);
        if (highest.isPresent()) {
            BpfAssembler.Label enosys = asm.label();
            asm.jump(JGT, highest.getAsInt(), enosys, rules);
            asm.place(enosys);
            asm.emit(BpfInstruction.ret(SeccompAction.ERRNO.ret(Errno.ENOSYS)));
        }
        asm.place(rules);

        List<Integer> numbers = new ArrayList<>();
        plans.forEach((nr, plan) -> {
            if (plan.unconditional == null || plan.unconditional != defaultRet) {
                numbers.add(nr);
            }
        });
        search(asm, numbers, 0, numbers.size(), plans, defaultRet);

        List<BpfInstruction> program = asm.assemble();
        if (program.size() > Seccomp.MAX_INSTRUCTIONS) {
            throw new SeccompProfileException(profile.source(), "compiles to " + program.size()
                    + " BPF instructions, more than the kernel's limit of " + Seccomp.MAX_INSTRUCTIONS);
        }
        SeccompProgram compiled = new SeccompProgram(arch, profile.filterFlags(), program);
        LaunchCheck.verify(compiled, target, profile.source());
        return compiled;
    }

    /**
     * Whether filter return value {@code a} takes precedence over {@code b}, by the kernel's order
     * for stacked filters: KILL_PROCESS, KILL_THREAD, TRAP, ERRNO, USER_NOTIF, TRACE, LOG, ALLOW.
     * Between two ERRNO (or TRACE) values of different data, the first one stays.
     */
    static boolean precedes(int a, int b) {
        return rank(a) < rank(b);
    }

    private static int rank(int ret) {
        int action = ret & io.jrun.linux.Seccomp.SECCOMP_RET_ACTION_FULL;
        return action == io.jrun.linux.Seccomp.SECCOMP_RET_KILL_PROCESS ? -1 : Integer.compareUnsigned(action, 0) == 0 ? 0
                : (action >>> 16);
    }

    /** Each call the applicable rules name, with what it gets. */
    private static Map<Integer, Plan> plans(SeccompProfile profile, SeccompTarget target, SyscallTable table)
            throws SeccompProfileException {
        Map<Integer, Plan> plans = new TreeMap<>();
        for (SyscallRule rule : profile.syscalls()) {
            if (!rule.appliesTo(target)) {
                continue;
            }
            int ret = rule.action().ret(rule.errnoRet() == null ? Errno.EPERM : rule.errnoRet());
            List<List<ArgCondition>> alternatives = alternatives(rule.args());
            for (String name : rule.names()) {
                OptionalInt nr = table.number(name);
                if (nr.isEmpty()) {
                    continue; // another architecture's call, or one this kernel generation lacks: runc skips them too
                }
                Plan plan = plans.computeIfAbsent(nr.getAsInt(), n -> new Plan());
                if (alternatives.isEmpty()) {
                    if (plan.unconditional == null) {
                        plan.unconditional = ret;
                        plan.decidedBy = rule;
                    } else if (plan.unconditional != ret && precedes(ret, plan.unconditional)) {
                        // two unconditional rules for one call (podman's resolved profiles have them: an
                        // ALLOW list and an ERRNO rule for calls that need a capability the container
                        // lacks): the more restrictive wins, as the kernel decides between stacked filters
                        plan.unconditional = ret;
                        plan.decidedBy = rule;
                    }
                } else {
                    for (List<ArgCondition> conditions : alternatives) {
                        plan.branches.add(new Branch(conditions, ret));
                    }
                }
            }
        }
        return plans;
    }

    /**
     * A rule's comparisons as alternatives: one and-ed group, or, when an argument index repeats,
     * each comparison alone (runc's reading: libseccomp takes one comparison per argument).
     */
    private static List<List<ArgCondition>> alternatives(List<ArgCondition> args) {
        if (args.isEmpty()) {
            return List.of();
        }
        boolean[] seen = new boolean[6];
        for (ArgCondition c : args) {
            if (seen[c.index()]) {
                return args.stream().map(List::of).toList();
            }
            seen[c.index()] = true;
        }
        return List.of(args);
    }

    /** The highest number the profile names for this architecture, when the ENOSYS rule applies. */
    private static OptionalInt highestKnown(SeccompProfile profile, SeccompTarget target, SyscallTable table) {
        SeccompAction def = profile.defaultAction();
        if (def == SeccompAction.ALLOW || def == SeccompAction.LOG || def == SeccompAction.TRACE
                || profile.defaultRet() == SeccompAction.ERRNO.ret(Errno.ENOSYS)) {
            return OptionalInt.empty();
        }
        String arch = ProfileNames.ruleArch(target.architecture());
        int highest = -1;
        for (SyscallRule rule : profile.syscalls()) {
            boolean forThisArch = (rule.includes().arches().isEmpty() || rule.includes().arches().contains(arch))
                    && !rule.excludes().arches().contains(arch);
            if (!forThisArch) {
                continue;
            }
            for (String name : rule.names()) {
                highest = Math.max(highest, table.number(name).orElse(-1));
            }
        }
        return highest < 0 ? OptionalInt.empty() : OptionalInt.of(highest);
    }

    /** A binary search over {@code numbers[lo, hi)}, which is sorted; leaves compare one by one. */
    private static void search(BpfAssembler asm, List<Integer> numbers, int lo, int hi, Map<Integer, Plan> plans,
                               int defaultRet) {
        if (hi - lo > LEAF) {
            int mid = (lo + hi) >>> 1;
            BpfAssembler.Label left = asm.label(), right = asm.label();
            asm.jump(JGE, numbers.get(mid), right, left);
            asm.place(left);
            search(asm, numbers, lo, mid, plans, defaultRet);
            asm.place(right);
            search(asm, numbers, mid, hi, plans, defaultRet);
            return;
        }
        // Compare each number; calls with the same unconditional answer share one return.
        Map<Integer, BpfAssembler.Label> returns = new LinkedHashMap<>();
        List<Runnable> blocks = new ArrayList<>();
        for (int i = lo; i < hi; i++) {
            int nr = numbers.get(i);
            Plan plan = plans.get(nr);
            BpfAssembler.Label target;
            if (plan.unconditional != null) {
                target = returns.computeIfAbsent(plan.unconditional, r -> asm.label());
            } else {
                target = asm.label();
                BpfAssembler.Label block = target;
                blocks.add(() -> branches(asm, block, plan.branches, defaultRet));
            }
            BpfAssembler.Label next = asm.label();
            asm.jump(JEQ, nr, target, next);
            asm.place(next);
        }
        asm.emit(BpfInstruction.ret(defaultRet));
        returns.forEach((ret, label) -> {
            asm.place(label);
            asm.emit(BpfInstruction.ret(ret));
        });
        blocks.forEach(Runnable::run);
    }

    /** The argument rules of one call: the first branch whose comparisons all hold returns its action. */
    private static void branches(BpfAssembler asm, BpfAssembler.Label start, List<Branch> branches, int defaultRet) {
        asm.place(start);
        for (Branch branch : branches) {
            BpfAssembler.Label fail = asm.label();
            for (ArgCondition c : branch.conditions()) {
                compare(asm, c, fail);
            }
            asm.emit(BpfInstruction.ret(branch.ret()));
            asm.place(fail);
        }
        asm.emit(BpfInstruction.ret(defaultRet));
    }

    /**
     * One 64-bit comparison as 32-bit halves: falls through when it holds, jumps to {@code fail}
     * otherwise. The high halves decide unless they are equal; then the low halves do. The
     * jumps compare unsigned, as BPF's JGT and JGE do.
     */
    private static void compare(BpfAssembler asm, ArgCondition c, BpfAssembler.Label fail) {
        int hi = (int) (c.value() >>> 32), lo = (int) c.value();
        int high = Seccomp.argHigh(c.index()), low = Seccomp.argLow(c.index());
        BpfAssembler.Label ok = asm.label(), lowHalf = asm.label();
        switch (c.op()) {
            case EQ -> {
                asm.emit(BpfInstruction.load(high));
                asm.jump(JEQ, hi, lowHalf, fail);
                asm.place(lowHalf);
                asm.emit(BpfInstruction.load(low));
                asm.jump(JEQ, lo, ok, fail);
            }
            case NE -> {
                asm.emit(BpfInstruction.load(high));
                asm.jump(JEQ, hi, lowHalf, ok);
                asm.place(lowHalf);
                asm.emit(BpfInstruction.load(low));
                asm.jump(JEQ, lo, fail, ok);
            }
            case GT, GE -> {
                BpfAssembler.Label highEqual = asm.label();
                asm.emit(BpfInstruction.load(high));
                asm.jump(JGT, hi, ok, highEqual);
                asm.place(highEqual);
                asm.jump(JEQ, hi, lowHalf, fail);
                asm.place(lowHalf);
                asm.emit(BpfInstruction.load(low));
                asm.jump(c.op() == CompareOp.GT ? JGT : JGE, lo, ok, fail);
            }
            case LT, LE -> {
                BpfAssembler.Label highEqual = asm.label();
                asm.emit(BpfInstruction.load(high));
                asm.jump(JGT, hi, fail, highEqual);
                asm.place(highEqual);
                asm.jump(JEQ, hi, lowHalf, ok);
                asm.place(lowHalf);
                asm.emit(BpfInstruction.load(low));
                // a < v fails when the low half is >= v's; a <= v when it is > v's
                asm.jump(c.op() == CompareOp.LT ? JGE : JGT, lo, fail, ok);
            }
            case MASKED_EQ -> {
                int maskHi = hi, maskLo = lo;
                int wantHi = (int) (c.valueTwo() >>> 32), wantLo = (int) c.valueTwo();
                asm.emit(BpfInstruction.load(high));
                asm.emit(BpfInstruction.and(maskHi));
                asm.jump(JEQ, wantHi, lowHalf, fail);
                asm.place(lowHalf);
                asm.emit(BpfInstruction.load(low));
                asm.emit(BpfInstruction.and(maskLo));
                asm.jump(JEQ, wantLo, ok, fail);
            }
        }
        asm.place(ok);
    }
}
