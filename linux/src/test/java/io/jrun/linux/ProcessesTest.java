package io.jrun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ProcessesTest {
    @Test
    void idsAreTheKernelsView() throws Exception {
        assertThat(Processes.getpid()).isEqualTo(ProcessHandle.current().pid());
        long[] ids = Throwaway.run(() -> new long[] {Processes.getpid(), Processes.gettid()});
        assertThat(ids[0]).isEqualTo(ProcessHandle.current().pid());
        assertThat(ids[1]).as("a thread's own id").isNotEqualTo(ids[0]).isNotEqualTo(Processes.gettid());
    }

    @Test
    void aPidfdSignalsExactlyItsProcess() throws Exception {
        long pid;
        try (Spawn.FileActions actions = new Spawn.FileActions().closeFrom(3)) {
            pid = Spawn.spawn("/bin/sleep", List.of("sleep", "600"), List.of(), actions, 0, 0);
        }
        try (Fd pidfd = Processes.pidfdOpen(pid)) {
            assertThat(Processes.wait4(pid, Processes.WNOHANG)).as("still running").isNull();
            Processes.pidfdSendSignal(pidfd.value(), Processes.SIGTERM);
            Processes.ExitStatus status = Processes.wait4(pid, 0);
            assertThat(status.signal()).isEqualTo(Processes.SIGTERM);
            assertThat(status.shellCode()).isEqualTo(143);
            // Reaped: the pidfd now refers to a process that is gone.
            assertThatThrownBy(() -> Processes.pidfdSendSignal(pidfd.value(), Processes.SIGTERM))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("ESRCH"));
        }
        assertThatThrownBy(() -> Processes.wait4(pid, 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("ECHILD"));
    }

    @Test
    void pidfdGetfdTakesADescriptorOfAnotherProcess() throws Exception {
        long pid;
        try (Pipes.Pipe pipe = Pipes.pipe()) {
            // the child's only copy of the write end is its fd 7; ours is closed right after
            try (Spawn.FileActions actions = new Spawn.FileActions().dup2(pipe.writeEnd().value(), 7).closeFrom(8)) {
                pid = Spawn.spawn("/bin/sleep", List.of("sleep", "600"), List.of(), actions, 0, 0);
            }
            pipe.writeEnd().close();
            try (Fd pidfd = Processes.pidfdOpen(pid)) {
                try (Fd taken = Processes.pidfdGetfd(pidfd.value(), 7)) {
                    FileSyscalls.write(taken.value(), "through the child's descriptor".getBytes());
                }
                assertThatThrownBy(() -> Processes.pidfdGetfd(pidfd.value(), 9))
                        .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EBADF"));
                assertThat(new String(FileSyscalls.read(pipe.readEnd().value(), 100))).isEqualTo("through the child's descriptor");
                Processes.pidfdSendSignal(pidfd.value(), Processes.SIGKILL);
                assertThat(Processes.wait4(pid, 0).signal()).isEqualTo(Processes.SIGKILL);
            }
            assertThat(FileSyscalls.read(pipe.readEnd().value(), 100)).as("end-of-file: no writer is left").isEmpty();
        }
    }
}
