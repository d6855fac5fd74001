package io.jrun.runtime.seccomp;

import static io.jrun.runtime.seccomp.Filters.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrun.linux.Architecture;

import org.junit.jupiter.api.Test;

/** Profiles that would kill jrun's own setup thread are refused before anything is installed. */
class LaunchCheckTest {
    private static final String JVM_CALLS = "\"futex\", \"mmap\", \"munmap\", \"mprotect\", \"madvise\", \"brk\", "
            + "\"rt_sigprocmask\", \"exit\"";

    @Test
    void aStrictProfileWithoutTheJvmsCallsIsRefused() {
        assertThatThrownBy(() -> compile("""
                {"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [
                  {"names": ["read", "write", "execve", "exit_group"], "action": "SCMP_ACT_ALLOW"}]}""", Architecture.X86_64))
                .isInstanceOf(SeccompProfileException.class)
                .hasMessageStartingWith("seccomp profile /test.json: it would break jrun's launch, which runs under the"
                        + " filter until the container's process starts; it must allow futex (it gets SCMP_ACT_KILL_PROCESS),"
                        + " mmap (it gets SCMP_ACT_KILL_PROCESS)")
                // clone3 (435) is newer than anything the profile names: ENOSYS, so glibc would use clone
                .hasMessageContaining("clone with CLONE_VM|CLONE_VFORK (it gets SCMP_ACT_KILL_PROCESS)")
                .hasMessageContaining("rt_sigaction (it gets SCMP_ACT_KILL_PROCESS)")
                .hasMessageNotContaining("execve");
    }

    @Test
    void errnoForTheJvmsOwnCallsIsRefusedTooButNotForTheChilds() {
        assertThatThrownBy(() -> compile(allowAllBut("{\"names\": [\"munmap\"], \"action\": \"SCMP_ACT_ERRNO\"}"),
                Architecture.AARCH64)).hasMessageEndingWith("it must allow munmap (it answers EPERM)");
        assertThatCode(() -> compile(allowAllBut("{\"names\": [\"execve\", \"chdir\"], \"action\": \"SCMP_ACT_ERRNO\"}"),
                Architecture.AARCH64)).as("the launch fails with a message then").doesNotThrowAnyException();
        assertThatThrownBy(() -> compile(allowAllBut("{\"names\": [\"execve\"], \"action\": \"SCMP_ACT_TRAP\"}"),
                Architecture.AARCH64)).hasMessageEndingWith("it must allow execve (it gets SCMP_ACT_TRAP)");
    }

    @Test
    void clone3MustBeAllowedOrEnosysAndThenCloneAllowed() throws Exception {
        assertThatThrownBy(() -> compile(allowAllBut("{\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\"}"),
                Architecture.X86_64)).hasMessageContaining("clone3 (it answers EPERM; allow it, or answer ENOSYS");
        assertThatThrownBy(() -> compile(allowAllBut("""
                {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
                {"names": ["clone"], "action": "SCMP_ACT_ERRNO"}"""), Architecture.X86_64))
                .hasMessageEndingWith("it must allow clone with CLONE_VM|CLONE_VFORK (it answers EPERM)");
        assertThat(compile(allowAllBut("{\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}"),
                Architecture.X86_64).size()).isPositive();
    }

    @Test
    void theCapabilityDropsCallsCountWhenTheFilterGoesInBeforeIt() throws Exception {
        String json = allowAllBut("{\"names\": [\"setresuid\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}");
        SeccompProfile profile = profile(json);
        assertThat(SeccompCompiler.compile(profile, new SeccompTarget(Architecture.X86_64, PODMAN_CAPS, KERNEL, true))
                .evaluate("setresuid")).isEqualTo(KILL_PROCESS);
        assertThatThrownBy(() -> SeccompCompiler.compile(profile,
                new SeccompTarget(Architecture.X86_64, PODMAN_CAPS, KERNEL, false)))
                .hasMessageEndingWith("it must allow setresuid (it gets SCMP_ACT_KILL_PROCESS)");
    }

    @Test
    void aMinimalProfileWithTheLaunchsCallsPasses() throws Exception {
        SeccompProgram program = compile("{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"syscalls\": [{\"names\": ["
                + JVM_CALLS + ", \"clone3\", \"rt_sigaction\", \"rt_sigreturn\", \"sched_yield\", \"gettid\", \"getpid\","
                + " \"clock_gettime\", \"clock_nanosleep\", \"nanosleep\", \"write\", \"close\", \"close_range\", \"openat\","
                + " \"dup2\", \"dup3\", \"chdir\", \"setsid\", \"execve\", \"exit_group\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
                Architecture.X86_64);
        assertThat(program.evaluate("read")).isEqualTo(KILL_PROCESS);
    }

    private static String allowAllBut(String rules) {
        return "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [" + rules + "]}";
    }
}
