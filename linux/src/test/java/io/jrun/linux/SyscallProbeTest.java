package io.jrun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SyscallProbeTest {
    @Test
    void reportsResultsAndErrnosByName() {
        assertThat(SyscallProbe.call("getpid")).isEqualTo(ProcessHandle.current().pid());
        assertThat(SyscallProbe.outcome("getpid")).isEqualTo("ok");
        assertThat(SyscallProbe.outcome("uname", 0)).as("NULL buffer").isEqualTo("EFAULT");
        assertThat(SyscallProbe.outcome("close", -1)).isEqualTo("EBADF");
        assertThat(SyscallProbe.call("close", -1)).isEqualTo(-Errno.EBADF);
    }

    @Test
    void refusesUnknownNamesAndTooManyArguments() {
        assertThatThrownBy(() -> SyscallProbe.call("no_such_call")).hasMessageEndingWith("has no system call no_such_call");
        assertThatThrownBy(() -> SyscallProbe.call("getpid", 1, 2, 3, 4, 5, 6, 7)).hasMessageContaining("six");
    }
}
