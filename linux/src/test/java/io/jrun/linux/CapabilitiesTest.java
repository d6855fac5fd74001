package io.jrun.linux;

import static io.jrun.linux.Capabilities.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capabilities, no_new_privs and credentials are per thread: root tests on throw-away threads. */
class CapabilitiesTest {
    private static final String THREAD_STATUS = "/proc/thread-self/status";

    @TempDir
    Path dir;

    private static long hex(String value) {
        return Long.parseUnsignedLong(value, 16);
    }

    @Test
    void capgetReadsTheThreadsSetsAsProcShowsThem() throws Exception {
        Capabilities.Sets sets = Capabilities.get();
        assertThat(sets.effective()).isNotZero();
        assertThat(sets.hasEffective(CAP_SYS_ADMIN)).isTrue();
        assertThat(sets.effective()).isEqualTo(hex(Throwaway.statusField(THREAD_STATUS, "CapEff")));
        assertThat(sets.permitted()).isEqualTo(hex(Throwaway.statusField(THREAD_STATUS, "CapPrm")));
        assertThat(sets.inheritable()).isEqualTo(hex(Throwaway.statusField(THREAD_STATUS, "CapInh")));
        assertThat(Capabilities.lastCap()).isBetween(CAP_AUDIT_READ, 63);
        // The highest bounding bit is the last capability (lower ones may be missing in a sandbox).
        assertThat(63 - Long.numberOfLeadingZeros(hex(Throwaway.statusField(THREAD_STATUS, "CapBnd"))))
                .isEqualTo(Capabilities.lastCap());
    }

    @Test
    void droppingFromTheBoundingSetChangesOneThreadOnly() throws Exception {
        long hostBounding = hex(Throwaway.statusField(THREAD_STATUS, "CapBnd"));
        assertThat(hostBounding & (1L << CAP_NET_RAW)).isNotZero();
        long[] seen = Throwaway.run(() -> {
            Capabilities.dropBounding(CAP_NET_RAW);
            return new long[] {hex(Throwaway.statusField(THREAD_STATUS, "CapBnd")),
                    Capabilities.inBounding(CAP_NET_RAW) ? 1 : 0, Capabilities.inBounding(CAP_SYS_ADMIN) ? 1 : 0};
        });
        assertThat(seen[0]).isEqualTo(hostBounding & ~(1L << CAP_NET_RAW));
        assertThat(seen[1]).isZero();
        assertThat(seen[2]).isOne();
        assertThat(hex(Throwaway.statusField(THREAD_STATUS, "CapBnd"))).isEqualTo(hostBounding);
        assertThat(hex(Throwaway.statusField("/proc/self/status", "CapBnd"))).isEqualTo(hostBounding);
    }

    @Test
    void capsetWithoutSysAdminMakesMountFailWithEpermOnThatThread() throws Exception {
        String target = dir.toString();
        String[] seen = Throwaway.run(() -> {
            Namespaces.unshare(Namespaces.CLONE_NEWNS);
            Mounts.mount(null, "/", null, Mounts.MS_REC | Mounts.MS_PRIVATE, null);
            Capabilities.Sets sets = Capabilities.get();
            long withoutAdmin = sets.effective() & ~(1L << CAP_SYS_ADMIN);
            Capabilities.set(new Capabilities.Sets(withoutAdmin, sets.permitted(), sets.inheritable()));
            String effective = Throwaway.statusField(THREAD_STATUS, "CapEff");
            try {
                Mounts.mount("jrun-test", target, "tmpfs", 0, null);
                return new String[] {effective, "mounted"};
            } catch (ErrnoException e) {
                return new String[] {effective, e.errnoName()};
            }
        });
        assertThat(hex(seen[0]) & (1L << CAP_SYS_ADMIN)).isZero();
        assertThat(seen[1]).isEqualTo("EPERM");
        assertThat(Capabilities.get().hasEffective(CAP_SYS_ADMIN)).isTrue();
    }

    @Test
    void ambientCapabilitiesNeedPermittedAndInheritable() throws Exception {
        String[] seen = Throwaway.run(() -> {
            String refused;
            try {
                Capabilities.raiseAmbient(CAP_NET_BIND_SERVICE); // not inheritable yet
                refused = "raised";
            } catch (ErrnoException e) {
                refused = e.errnoName();
            }
            Capabilities.Sets sets = Capabilities.get();
            Capabilities.set(new Capabilities.Sets(sets.effective(), sets.permitted(),
                    sets.inheritable() | 1L << CAP_NET_BIND_SERVICE));
            Capabilities.raiseAmbient(CAP_NET_BIND_SERVICE);
            return new String[] {refused, String.valueOf(Capabilities.inAmbient(CAP_NET_BIND_SERVICE)),
                    Throwaway.statusField(THREAD_STATUS, "CapAmb")};
        });
        assertThat(seen[0]).isEqualTo("EPERM");
        assertThat(seen[1]).isEqualTo("true");
        assertThat(hex(seen[2])).isEqualTo(1L << CAP_NET_BIND_SERVICE);
        assertThat(hex(Throwaway.statusField(THREAD_STATUS, "CapAmb"))).isZero();
    }

    @Test
    void noNewPrivsIsPerThread() throws Exception {
        assertThat(Capabilities.noNewPrivs()).isFalse();
        String[] seen = Throwaway.run(() -> {
            Capabilities.setNoNewPrivs();
            return new String[] {String.valueOf(Capabilities.noNewPrivs()), Throwaway.statusField(THREAD_STATUS, "NoNewPrivs")};
        });
        assertThat(seen).containsExactly("true", "1");
        assertThat(Capabilities.noNewPrivs()).isFalse();
        assertThat(Throwaway.statusField(THREAD_STATUS, "NoNewPrivs")).isEqualTo("0");
    }

    @Test
    void rawSetresuidChangesOneThreadButClearsTheWholeProcesssDumpableFlag() throws Exception {
        String[] seen = Throwaway.run(() -> {
            Credentials.setgroups(5, 6);
            Credentials.setresgid(1000, 1000, 1000);
            Credentials.setresuid(1000, 1000, 1000);
            String[] result = {Throwaway.statusField(THREAD_STATUS, "Uid"), Throwaway.statusField(THREAD_STATUS, "Gid"),
                    Throwaway.statusField(THREAD_STATUS, "Groups"), Capabilities.get().toString()};
            return result;
        });
        assertThat(seen[0]).isEqualTo("1000\t1000\t1000\t1000");
        assertThat(seen[1]).isEqualTo("1000\t1000\t1000\t1000");
        assertThat(seen[2]).isEqualTo("5 6");
        assertThat(seen[3]).as("leaving uid 0 clears the capability sets").isEqualTo("Sets[effective=0, permitted=0, inheritable=0]");
        // The rest of the JVM is still root...
        assertThat(Throwaway.statusField(THREAD_STATUS, "Uid")).isEqualTo("0\t0\t0\t0");
        assertThat(Throwaway.statusField("/proc/self/status", "Uid")).isEqualTo("0\t0\t0\t0");
        assertThat(FileSyscalls.getuid()).isZero();
        // ...but the kernel cleared the process-wide (mm) dumpable flag when that thread's euid
        // changed: restore it, or /proc/PID files turn root-owned and ptrace/attach refuse.
        final int PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4;
        assertThat(Capabilities.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)).isZero();
        Capabilities.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        assertThat(Capabilities.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)).isOne();
    }

    @Test
    void capsetRefusesToGrowThePermittedSet() throws Exception {
        Throwaway.run(() -> {
            Capabilities.Sets sets = Capabilities.get();
            long without = sets.permitted() & ~(1L << CAP_SYS_TIME);
            Capabilities.set(new Capabilities.Sets(sets.effective() & without, without, 0));
            assertThatThrownBy(() -> Capabilities.set(sets))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> {
                        assertThat(e.call()).isEqualTo("capset");
                        assertThat(e.errnoName()).isEqualTo("EPERM");
                    });
            return null;
        });
        assertThat(Capabilities.get().permitted() & (1L << CAP_SYS_TIME)).isNotZero();
    }
}
