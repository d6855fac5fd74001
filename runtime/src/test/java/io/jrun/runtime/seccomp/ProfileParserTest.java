package io.jrun.runtime.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrun.linux.Capabilities;
import io.jrun.linux.Seccomp;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileParserTest {
    private static SeccompProfile profile(String json) throws SeccompProfileException {
        return ProfileParser.parse(json.getBytes(StandardCharsets.UTF_8), "/test.json");
    }

    @Test
    void readsDockersFormat() throws Exception {
        SeccompProfile p = profile("""
                {
                  "defaultAction": "SCMP_ACT_ERRNO",
                  "defaultErrnoRet": 1,
                  "archMap": [
                    {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                    {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": null}
                  ],
                  "syscalls": [
                    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "args": [], "comment": "", "includes": {}, "excludes": {}},
                    {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                     "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
                     "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390", "s390x"]}},
                    {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
                    {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
                    {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                     "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}
                  ]
                }
                """);
        assertThat(p.source()).isEqualTo("/test.json");
        assertThat(p.defaultAction()).isEqualTo(SeccompAction.ERRNO);
        assertThat(p.defaultRet()).isEqualTo(Seccomp.SECCOMP_RET_ERRNO | 1);
        assertThat(p.architectures()).containsExactlyInAnyOrder("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
                "SCMP_ARCH_AARCH64");
        assertThat(p.syscalls()).hasSize(5);
        SyscallRule clone = p.syscalls().get(1);
        assertThat(clone.position()).isEqualTo(1);
        assertThat(clone.args()).containsExactly(new ArgCondition(0, 0x7E020000L, 0, CompareOp.MASKED_EQ));
        assertThat(clone.excludes().capabilities()).isEqualTo(1L << Capabilities.CAP_SYS_ADMIN);
        assertThat(clone.excludes().arches()).containsExactlyInAnyOrder("s390", "s390x");
        assertThat(p.syscalls().get(2).errnoRet()).isEqualTo(38);
        assertThat(p.syscalls().get(3).includes().minKernel()).isEqualTo(new KernelVersion(4, 8));
        assertThat(p.syscalls().get(4).args().getFirst().value()).as("2^64-1 held in a long").isEqualTo(-1L);
    }

    @Test
    void readsTheOciSpecsFormAndContainersErrnoNames() throws Exception {
        SeccompProfile p = profile("""
                {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "ENOSYS",
                 "architectures": ["SCMP_ARCH_X86_64"], "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC"],
                 "listenerPath": "",
                 "syscalls": [
                   {"name": "getpid", "action": "SCMP_ACT_ALLOW"},
                   {"names": ["kexec_load"], "action": "SCMP_ACT_ERRNO", "errno": "EPERM", "errnoRet": 1},
                   {"names": ["uname"], "action": "SCMP_ACT_TRACE", "errnoRet": 7},
                   {"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS", "somethingNew": true}
                 ]}
                """);
        assertThat(p.defaultRet()).isEqualTo(Seccomp.SECCOMP_RET_ERRNO | 38);
        assertThat(p.filterFlags()).as("TSYNC is accepted and never used").isEqualTo(Seccomp.SECCOMP_FILTER_FLAG_LOG);
        assertThat(p.syscalls().get(0).names()).containsExactly("getpid");
        assertThat(p.syscalls().get(1).errnoRet()).isEqualTo(1);
        assertThat(p.syscalls().get(2).action().ret(p.syscalls().get(2).errnoRet())).isEqualTo(Seccomp.SECCOMP_RET_TRACE | 7);
        assertThat(p.syscalls().get(3).action()).isEqualTo(SeccompAction.KILL_PROCESS);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW"}, {"names": ["b"], "action": "SCMP_ACT_ALLOW"}, {"names": ["c"], "action": "SCMP_ACT_ALLOW"}, {"names": ["d"], "action": "SCMP_ACT_FOO"}]} | syscalls[3].action: unknown action "SCMP_ACT_FOO"
            {"syscalls": []}                                                     | defaultAction: missing
            {"defaultAction": 1}                                                 | defaultAction: expected a string, not number 1
            {"defaultAction": "SCMP_ACT_NOTIFY"}                                 | defaultAction: SCMP_ACT_NOTIFY needs a user-space agent, which jrun does not run
            {"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1}            | defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not SCMP_ACT_ALLOW
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": -1}           | defaultErrnoRet: -1 is outside 0 to 18446744073709551615
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 4096}         | defaultErrnoRet: an errno is 0 to 4095, not 4096
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "EFOO"}          | defaultErrno: unknown errno name "EFOO"
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "EPERM", "defaultErrnoRet": 38} | defaultErrno: "EPERM" is 1 but defaultErrnoRet says 38
            {"defaultAction": "SCMP_ACT_ERRNO", "listenerPath": "/run/agent.sock"} | listenerPath: seccomp notify (a user-space agent) is not supported by jrun
            {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]} | archMap: give either "architectures" or "archMap", not both
            {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["x86_64"]}     | architectures[0]: unknown architecture "x86_64" (SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ...)
            {"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_Y"]}]} | archMap[0].subArchitectures[0]: unknown architecture "SCMP_ARCH_Y" (SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ...)
            {"defaultAction": "SCMP_ACT_ERRNO", "flags": ["SECCOMP_FILTER_FLAG_NEW_LISTENER"]} | flags[0]: unsupported flag "SECCOMP_FILTER_FLAG_NEW_LISTENER" (jrun knows SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_TSYNC)
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": {}}                  | syscalls: expected an array, not object {}
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [[]]}                | syscalls[0]: expected an object
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"action": "SCMP_ACT_ALLOW"}]} | syscalls[0].names: missing: a rule names at least one system call
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": [], "action": "SCMP_ACT_ALLOW"}]} | syscalls[0].names: missing: a rule names at least one system call
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "read", "names": ["write"], "action": "SCMP_ACT_ALLOW"}]} | syscalls[0]: give either "name" or "names", not both
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", 7], "action": "SCMP_ACT_ALLOW"}]} | syscalls[0].names[1]: expected a string, not number 7
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["Read()"], "action": "SCMP_ACT_ALLOW"}]} | syscalls[0].names[0]: not a system call name: "Read()"
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"]}]} | syscalls[0].action: missing
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]} | syscalls[0].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not SCMP_ACT_ALLOW
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": "1"}]} | syscalls[0].errnoRet: expected a non-negative integer, not string "1"
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]} | syscalls[0].args[0].index: a system call has arguments 0 to 5, not 6
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_APPROX"}]}]} | syscalls[0].args[0].op: unknown operator "SCMP_CMP_APPROX"
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "op": "SCMP_CMP_EQ"}]}]} | syscalls[0].args[0].value: missing
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 18446744073709551616, "op": "SCMP_CMP_EQ"}]}]} | syscalls[0].args[0].value: 18446744073709551616 is outside 0 to 18446744073709551615
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1.5, "op": "SCMP_CMP_EQ"}]}]} | syscalls[0].args[0].value: expected a non-negative integer, not number 1.5
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "valueTwo": -2, "op": "SCMP_CMP_MASKED_EQ"}]}]} | syscalls[0].args[0].valueTwo: -2 is outside 0 to 18446744073709551615
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["SYS_ADMIN"]}}]} | syscalls[0].includes.caps[0]: unknown capability "SYS_ADMIN" (CAP_SYS_ADMIN, ...)
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["amd46"]}}]} | syscalls[0].excludes.arches[0]: unknown architecture "amd46" (amd64, arm64, x86, ...)
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "four"}}]} | syscalls[0].includes.minKernel: not a kernel version like "4.8": "four"
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": []}]} | syscalls[0].includes: expected an object
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultAction": "SCMP_ACT_ALLOW"} | not valid JSON: Duplicate field 'defaultAction' (line 1, column 52)
            []                                                                   | (top level): a profile is a JSON object
            """)
    void aMalformedProfileIsRefusedNamingTheField(String json, String problem) {
        assertThatThrownBy(() -> profile(json)).isInstanceOf(SeccompProfileException.class)
                .hasMessage("seccomp profile /test.json: " + problem);
    }

    @Test
    void brokenJsonSaysWhere() {
        assertThatThrownBy(() -> profile("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [\n}"))
                .isInstanceOf(SeccompProfileException.class)
                .hasMessageStartingWith("seccomp profile /test.json: not valid JSON: ")
                .hasMessageContaining("(line 4, column 1)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void parsingKeepsRulesInOrderAndImmutable() throws Exception {
        SeccompProfile p = profile("""
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                  {"names": ["b"], "action": "SCMP_ACT_LOG"}, {"names": ["a"], "action": "SCMP_ACT_TRAP"}]}
                """);
        assertThat(p.syscalls()).extracting(SyscallRule::names).containsExactly(List.of("b"), List.of("a"));
        assertThatThrownBy(() -> p.syscalls().add(p.syscalls().getFirst())).isInstanceOf(UnsupportedOperationException.class);
    }
}
