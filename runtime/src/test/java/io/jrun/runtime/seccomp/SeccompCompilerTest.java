package io.jrun.runtime.seccomp;

import static io.jrun.runtime.seccomp.Filters.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrun.linux.Architecture;
import io.jrun.linux.Seccomp;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The compiler's semantics on custom profiles, checked by running its output in Java. */
class SeccompCompilerTest {
    /** Values around the 32-bit halves' edges, where a two-half comparison goes wrong first. */
    private static final long[] EDGES = {0, 1, 2, 0x7fffffffL, 0x80000000L, 0xfffffffeL, 0xffffffffL, 0x100000000L,
            0x100000001L, 0x1fffffffeL, 0x1ffffffffL, 0x200000000L, 0x7fffffffffffffffL, 0x8000000000000000L,
            0xfffffffeffffffffL, 0xffffffff00000000L, 0xfffffffffffffffeL, -1L};

    private static String allowAllBut(String rules) {
        return "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [" + rules + "]}";
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void everyComparisonMatchesItsSpecificationOnAllEdges(Architecture arch) throws Exception {
        Random random = new Random(5);
        List<Long> values = new ArrayList<>();
        for (long e : EDGES) {
            values.add(e);
        }
        for (int i = 0; i < 12; i++) {
            values.add(random.nextLong());
            values.add(random.nextLong() & 0xffffffffL);
        }
        List<Long> args = new ArrayList<>(values);
        for (long v : values) {
            args.add(v + 1);
            args.add(v - 1);
            args.add(v ^ 0x100000000L);
        }
        for (CompareOp op : CompareOp.values()) {
            for (long value : values) {
                long valueTwo = op == CompareOp.MASKED_EQ ? value & 0x00ff00ff00ff00ffL : 0;
                ArgCondition condition = new ArgCondition(3, value, valueTwo, op);
                SeccompProgram program = compile(allowAllBut(String.format(
                        "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 7, \"args\": "
                                + "[{\"index\": 3, \"value\": %s, \"valueTwo\": %s, \"op\": \"%s\"}]}",
                        Long.toUnsignedString(value), Long.toUnsignedString(valueTwo), op.profileName())), arch);
                for (long arg : args) {
                    int expected = condition.matches(arg) ? Seccomp.SECCOMP_RET_ERRNO | 7 : ALLOW;
                    assertThat(hex(program.evaluate("getppid", 0, 0, 0, arg))).as("%s %x vs %x", op,
                            arg, value).isEqualTo(hex(expected));
                    assertThat(hex(program.evaluate("getppid", arg, arg, arg, 0, arg, arg)))
                            .as("other arguments do not count").isEqualTo(hex(condition.matches(0)
                                    ? Seccomp.SECCOMP_RET_ERRNO | 7 : ALLOW));
                }
            }
        }
    }

    @Test
    void differentArgumentsAreAndedARepeatedOneIsOred() throws Exception {
        SeccompProgram and = compile(allowAllBut("""
                {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
                   {"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 9, "op": "SCMP_CMP_EQ"}]}"""),
                Architecture.X86_64);
        assertThat(hex(and.evaluate("kill", 1, 9))).isEqualTo(hex(EPERM));
        assertThat(hex(and.evaluate("kill", 1, 15))).isEqualTo(hex(ALLOW));
        assertThat(hex(and.evaluate("kill", 2, 9))).isEqualTo(hex(ALLOW));
        SeccompProgram or = compile(allowAllBut("""
                {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
                   {"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"},
                   {"index": 1, "value": 9, "op": "SCMP_CMP_EQ"}]}"""), Architecture.X86_64);
        assertThat(hex(or.evaluate("kill", 1, 15))).isEqualTo(hex(EPERM));
        assertThat(hex(or.evaluate("kill", 2, 15))).isEqualTo(hex(EPERM));
        assertThat(hex(or.evaluate("kill", 3, 9))).isEqualTo(hex(EPERM));
        assertThat(hex(or.evaluate("kill", 3, 15))).isEqualTo(hex(ALLOW));
    }

    @Test
    void aRuleWithoutArgumentsDecidesTheCallTheFirstMatchingArgumentRuleOtherwise() throws Exception {
        SeccompProgram program = compile("""
                {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
                  {"names": ["futex", "mmap", "munmap", "mprotect", "madvise", "brk", "rt_sigprocmask", "exit", "clone3"],
                   "action": "SCMP_ACT_ALLOW"},
                  {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_EQ"}]},
                  {"names": ["socket"], "action": "SCMP_ACT_ALLOW"},
                  {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 3, "args": [{"index": 1, "value": 9, "op": "SCMP_CMP_EQ"}]},
                  {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 4, "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
                  {"names": ["kill"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_GT"}]}
                ]}""", Architecture.AARCH64);
        assertThat(hex(program.evaluate("socket", 40))).as("the unconditional allow wins, as in libseccomp")
                .isEqualTo(hex(ALLOW));
        assertThat(hex(program.evaluate("kill", 1, 9))).isEqualTo(hex(Seccomp.SECCOMP_RET_ERRNO | 3));
        assertThat(hex(program.evaluate("kill", 1, 15))).isEqualTo(hex(Seccomp.SECCOMP_RET_ERRNO | 4));
        assertThat(hex(program.evaluate("kill", 7, 15))).isEqualTo(hex(ALLOW));
        assertThat(hex(program.evaluate("kill", 0, 15))).as("no rule matches: the default").isEqualTo(hex(EPERM));
    }

    @Test
    void ofTwoUnconditionalActionsForOneCallTheMoreRestrictiveWins() throws Exception {
        // podman's resolved default profile allows setns in its big list and, for a container
        // without CAP_SYS_ADMIN, also gives it ERRNO(EPERM) in a later rule
        SeccompProgram program = compile(allowAllBut("""
                {"names": ["getpid", "getppid"], "action": "SCMP_ACT_LOG"},
                {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
                {"names": ["acct"], "action": "SCMP_ACT_KILL_PROCESS"},
                {"names": ["acct"], "action": "SCMP_ACT_ALLOW"}"""), Architecture.X86_64);
        assertThat(hex(program.evaluate("getppid"))).isEqualTo(hex(Seccomp.SECCOMP_RET_ERRNO | 1));
        assertThat(hex(program.evaluate("getpid"))).isEqualTo(hex(Seccomp.SECCOMP_RET_LOG));
        assertThat(hex(program.evaluate("acct"))).as("in either order").isEqualTo(hex(Seccomp.SECCOMP_RET_KILL_PROCESS));
    }

    @Test
    void sameActionTwiceIsFine() throws Exception {
        SeccompProgram program = compile(allowAllBut("""
                {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5},
                {"names": ["getppid", "getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5}"""), Architecture.X86_64);
        assertThat(hex(program.evaluate("getppid"))).isEqualTo(hex(Seccomp.SECCOMP_RET_ERRNO | 5));
    }

    @Test
    void actionsAndErrnosReachTheFilter() throws Exception {
        SeccompProgram program = compile(allowAllBut("""
                {"names": ["getuid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95},
                {"names": ["getgid"], "action": "SCMP_ACT_ERRNO"},
                {"names": ["geteuid"], "action": "SCMP_ACT_TRACE", "errnoRet": 42},
                {"names": ["getegid"], "action": "SCMP_ACT_TRAP"},
                {"names": ["getpgrp"], "action": "SCMP_ACT_LOG"},
                {"names": ["getsid"], "action": "SCMP_ACT_KILL"},
                {"names": ["getpgid"], "action": "SCMP_ACT_KILL_THREAD"},
                {"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}"""), Architecture.X86_64);
        assertThat(hex(program.evaluate("getuid"))).isEqualTo(hex(Seccomp.SECCOMP_RET_ERRNO | 95));
        assertThat(hex(program.evaluate("getgid"))).as("errno defaults to EPERM").isEqualTo(hex(EPERM));
        assertThat(hex(program.evaluate("geteuid"))).isEqualTo(hex(Seccomp.SECCOMP_RET_TRACE | 42));
        assertThat(hex(program.evaluate("getegid"))).isEqualTo(hex(Seccomp.SECCOMP_RET_TRAP));
        assertThat(hex(program.evaluate("getpgrp"))).isEqualTo(hex(Seccomp.SECCOMP_RET_LOG));
        assertThat(hex(program.evaluate("getsid"))).isEqualTo(hex(Seccomp.SECCOMP_RET_KILL_THREAD));
        assertThat(hex(program.evaluate("getpgid"))).isEqualTo(hex(Seccomp.SECCOMP_RET_KILL_THREAD));
        assertThat(hex(program.evaluate("getppid"))).isEqualTo(hex(KILL_PROCESS));
        assertThat(hex(program.evaluate("read"))).isEqualTo(hex(ALLOW));
        assertThat(hex(program.evaluate(SeccompData.of(Architecture.X86_64.auditArch(), 5000)))).as("no ENOSYS rule"
                + " when the default lets calls through").isEqualTo(hex(ALLOW));
    }

    @Test
    void theEnosysRuleFollowsTheHighestNamedCallOfTheArchitecture() throws Exception {
        String json = """
                {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
                  {"names": ["futex", "mmap", "munmap", "mprotect", "madvise", "brk", "rt_sigprocmask", "exit", "clone3",
                             "rt_sigaction", "close", "openat", "execve", "exit_group"], "action": "SCMP_ACT_ALLOW"},
                  {"names": ["statx"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
                  {"names": ["mseal"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm64"]}},
                  {"names": ["no_such_call_anywhere"], "action": "SCMP_ACT_ALLOW"}
                ]}""";
        // x86_64: clone3 (435) is the highest; the caps condition does not matter, mseal is arm64's only
        SeccompProgram x86 = compile(json, Architecture.X86_64);
        assertThat(hex(x86.evaluate("clone3"))).isEqualTo(hex(ALLOW));
        assertThat(hex(x86.evaluate("close_range"))).as("436").isEqualTo(hex(ENOSYS));
        assertThat(hex(x86.evaluate("mseal"))).isEqualTo(hex(ENOSYS));
        assertThat(hex(x86.evaluate("statx"))).as("332, named by a rule that does not apply").isEqualTo(hex(EPERM));
        assertThat(hex(x86.evaluate("kexec_file_load"))).isEqualTo(hex(EPERM));
        // aarch64: mseal (462)
        SeccompProgram arm = compile(json, Architecture.AARCH64);
        assertThat(hex(arm.evaluate("mseal"))).isEqualTo(hex(ALLOW));
        assertThat(hex(arm.evaluate("close_range"))).isEqualTo(hex(EPERM));
        assertThat(hex(arm.evaluate("setxattrat"))).as("463").isEqualTo(hex(ENOSYS));

        SeccompProgram enosysDefault = compile(json.replace("\"defaultAction\": \"SCMP_ACT_ERRNO\"",
                "\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38"), Architecture.X86_64);
        assertThat(hex(enosysDefault.evaluate("kexec_file_load"))).isEqualTo(hex(ENOSYS));
        assertThat(hex(enosysDefault.evaluate("close_range"))).isEqualTo(hex(ENOSYS));
    }

    @Test
    void manyArgumentRulesNeedLongJumpsAndStayCorrect() throws Exception {
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            rules.append(i == 0 ? "" : ",").append("{\"names\": [\"getppid\", \"getpgid\"], \"action\": \"SCMP_ACT_ERRNO\", "
                    + "\"errnoRet\": ").append(i + 1).append(", \"args\": [{\"index\": 0, \"value\": ").append(i * 3L << 32 | i)
                    .append(", \"op\": \"SCMP_CMP_EQ\"}]}");
        }
        SeccompProgram program = compile(allowAllBut(rules.toString()), Architecture.X86_64);
        assertWellFormed(program);
        assertThat(program.size()).isGreaterThan(2000);
        for (int i = 0; i < 300; i += 7) {
            assertThat(hex(program.evaluate("getppid", i * 3L << 32 | i))).isEqualTo(hex(Seccomp.SECCOMP_RET_ERRNO | i + 1));
            assertThat(hex(program.evaluate("getpgid", i * 3L << 32 | i))).isEqualTo(hex(Seccomp.SECCOMP_RET_ERRNO | i + 1));
            assertThat(hex(program.evaluate("getpgid", i))).isEqualTo(hex(i == 0 ? Seccomp.SECCOMP_RET_ERRNO | 1 : ALLOW));
        }
        assertThat(hex(program.evaluate("getpid"))).isEqualTo(hex(ALLOW));
    }

    @Test
    void aProgramBeyondTheKernelsLimitIsRefused() {
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < 900; i++) {
            rules.append(i == 0 ? "" : ",").append("{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": "
                    + "[{\"index\": 0, \"value\": ").append(i).append(", \"op\": \"SCMP_CMP_EQ\"}]}");
        }
        assertThatThrownBy(() -> compile(allowAllBut(rules.toString()), Architecture.X86_64))
                .isInstanceOf(SeccompProfileException.class)
                .hasMessageMatching("seccomp profile /test\\.json: compiles to \\d+ BPF instructions, more than the"
                        + " kernel's limit of 4096");
    }

    @Test
    void namesOfOtherArchitecturesAreSkipped() throws Exception {
        SeccompProgram program = compile(allowAllBut("""
                {"names": ["arch_prctl", "chown32", "getppid"], "action": "SCMP_ACT_ERRNO"}"""), Architecture.AARCH64);
        assertThat(hex(program.evaluate("getppid"))).isEqualTo(hex(EPERM));
        assertThat(hex(program.evaluate("getpid"))).isEqualTo(hex(ALLOW));
    }

    @Test
    void filterFlagsTravelWithTheProgram() throws Exception {
        SeccompProgram program = compile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\","
                + " \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]}", Architecture.X86_64);
        assertThat(program.flags()).isEqualTo(Seccomp.SECCOMP_FILTER_FLAG_LOG | Seccomp.SECCOMP_FILTER_FLAG_SPEC_ALLOW);
        assertWellFormed(program);
    }
}
