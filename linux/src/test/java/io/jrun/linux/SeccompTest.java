package io.jrun.linux;

import static io.jrun.linux.Seccomp.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * seccomp(2) against the real kernel. A filter can never be removed, so every install happens
 * on a throw-away thread; the assertions on the test's own thread show it stays unfiltered.
 */
class SeccompTest {
    private static final String THREAD_STATUS = "/proc/thread-self/status";
    // classic BPF opcodes (linux/filter.h)
    private static final short LD_W_ABS = 0x20, JEQ_K = 0x15, RET_K = 0x06;

    /** arch check, then getpid answers {@code errno}, everything else is allowed. */
    private record Program(short[] code, byte[] jt, byte[] jf, int[] k) {
        static Program getpidFails(int errno) {
            int getpid = (int) Syscall.NR.getpid();
            return new Program(
                    new short[] {LD_W_ABS, JEQ_K, RET_K, LD_W_ABS, JEQ_K, RET_K, RET_K},
                    new byte[] {0, 1, 0, 0, 0, 0, 0},
                    new byte[] {0, 0, 0, 0, 1, 0, 0},
                    new int[] {DATA_ARCH, Architecture.current().auditArch(), SECCOMP_RET_KILL_PROCESS, DATA_NR, getpid,
                            SECCOMP_RET_ERRNO | errno, SECCOMP_RET_ALLOW});
        }

        void install(int flags) throws ErrnoException {
            Seccomp.install(code, jt, jf, k, flags);
        }
    }

    private static String getpidOutcome() {
        try {
            return "pid " + Processes.getpid();
        } catch (ErrnoException e) {
            return e.errnoName();
        }
    }

    @Test
    void aFilterAppliesToTheInstallingThreadOnly() throws Exception {
        String[] seen = Throwaway.run(() -> {
            Capabilities.setNoNewPrivs();
            Program.getpidFails(Errno.EACCES).install(0);
            return new String[] {getpidOutcome(), String.valueOf(Processes.gettid() > 0),
                    Throwaway.statusField(THREAD_STATUS, "Seccomp"), Throwaway.statusField(THREAD_STATUS, "Seccomp_filters")};
        });
        assertThat(seen).containsExactly("EACCES", "true", "2", "1");
        assertThat(getpidOutcome()).isEqualTo("pid " + ProcessHandle.current().pid());
        assertThat(Throwaway.statusField(THREAD_STATUS, "Seccomp")).isEqualTo("0");
        assertThat(Throwaway.statusField("/proc/self/status", "Seccomp")).as("the main thread").isEqualTo("0");
    }

    @Test
    void filtersStackAndTheLogFlagIsAccepted() throws Exception {
        String[] seen = Throwaway.run(() -> {
            Capabilities.setNoNewPrivs();
            Program.getpidFails(Errno.EACCES).install(SECCOMP_FILTER_FLAG_LOG);
            Program.getpidFails(Errno.ENOENT).install(SECCOMP_FILTER_FLAG_SPEC_ALLOW);
            // The kernel runs every filter and takes the most severe action; between equal
            // actions the most recently installed filter's value wins (seccomp_run_filters).
            return new String[] {getpidOutcome(), Throwaway.statusField(THREAD_STATUS, "Seccomp_filters")};
        });
        assertThat(seen).containsExactly("ENOENT", "2");
    }

    @Test
    void installingNeedsNoNewPrivsOrSysAdmin() throws Exception {
        String outcome = Throwaway.run(() -> {
            Capabilities.Sets sets = Capabilities.get();
            long withoutAdmin = sets.effective() & ~(1L << Capabilities.CAP_SYS_ADMIN);
            Capabilities.set(new Capabilities.Sets(withoutAdmin, sets.permitted(), sets.inheritable()));
            try {
                Program.getpidFails(Errno.EACCES).install(0);
                return "installed";
            } catch (ErrnoException e) {
                return e.call() + " " + e.errnoName() + " " + Throwaway.statusField(THREAD_STATUS, "Seccomp");
            }
        });
        assertThat(outcome).isEqualTo("seccomp EACCES 0");
    }

    @Test
    void theKernelRefusesAJumpOutOfTheProgram() throws Exception {
        String outcome = Throwaway.run(() -> {
            Capabilities.setNoNewPrivs();
            try {
                Seccomp.install(new short[] {LD_W_ABS, JEQ_K, RET_K}, new byte[] {0, 5, 0}, new byte[3],
                        new int[] {DATA_NR, 0, SECCOMP_RET_ALLOW}, 0);
                return "installed";
            } catch (ErrnoException e) {
                return e.errnoName() + " " + Throwaway.statusField(THREAD_STATUS, "Seccomp");
            }
        });
        assertThat(outcome).isEqualTo("EINVAL 0");
    }

    @Test
    void tsyncAndMalformedArraysAreRefusedBeforeTheKernelSeesThem() throws Exception {
        Program p = Program.getpidFails(Errno.EACCES);
        assertThatThrownBy(() -> p.install(SECCOMP_FILTER_FLAG_TSYNC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("every thread of the JVM");
        assertThatThrownBy(() -> Seccomp.install(new short[2], new byte[2], new byte[1], new int[2], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ in length");
        assertThatThrownBy(() -> Seccomp.install(new short[4097], new byte[4097], new byte[4097], new int[4097], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 4096");
        assertThat(Throwaway.statusField(THREAD_STATUS, "Seccomp")).isEqualTo("0");
    }

    @Test
    void theKernelReportsWhichActionsItKnows() throws Exception {
        assertThat(Seccomp.actionAvailable(SECCOMP_RET_KILL_PROCESS)).isTrue();
        assertThat(Seccomp.actionAvailable(SECCOMP_RET_LOG)).isTrue();
        assertThat(Seccomp.actionAvailable(SECCOMP_RET_ERRNO)).isTrue();
        assertThat(Seccomp.actionAvailable(SECCOMP_RET_ALLOW)).isTrue();
        assertThat(Seccomp.actionAvailable(0x7fe00000)).as("no such action").isFalse();
        assertThat(Throwaway.statusField(THREAD_STATUS, "Seccomp")).as("asking installs nothing").isEqualTo("0");
    }

    @Test
    void preloadTouchesNoKernelState() throws Exception {
        Seccomp.preload();
        assertThat(Throwaway.statusField(THREAD_STATUS, "Seccomp")).isEqualTo("0");
    }
}
