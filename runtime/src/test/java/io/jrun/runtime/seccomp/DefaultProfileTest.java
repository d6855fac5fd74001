package io.jrun.runtime.seccomp;

import static io.jrun.runtime.seccomp.Filters.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrun.linux.Architecture;
import io.jrun.linux.Capabilities;
import io.jrun.linux.Seccomp;
import io.jrun.linux.SyscallTable;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import io.jrun.runtime.launch.Gate;

/**
 * The built-in profile compiled for each architecture and run in Java: the decisions docker's
 * default makes, the ENOSYS and ABI rules, the capability-gated rules.
 */
class DefaultProfileTest {
    /** The highest call the profile names, on both architectures: removexattrat (Linux 6.13). */
    private static final int HIGHEST_NAMED = 466;

    private static final long CLONE_NEWUSER = 0x10000000, CLONE_NEWNS = 0x00020000;
    private static final long SPAWN_CLONE = 0x00004000 | 0x00000100 | 17; // CLONE_VFORK | CLONE_VM | SIGCHLD
    private static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17, AF_ALG = 38,
            AF_VSOCK = 40, AF_MCTP = 45;

    private static SeccompProgram compileDefault(Architecture arch, long caps) throws SeccompProfileException {
        return SeccompCompiler.compile(DefaultProfile.get(), target(arch, caps));
    }

    @Test
    void theBuiltInProfileParses() {
        SeccompProfile p = DefaultProfile.get();
        assertThat(p.source()).isEqualTo(DefaultProfile.SOURCE);
        assertThat(p.defaultRet()).isEqualTo(Seccomp.SECCOMP_RET_ERRNO | 1);
        assertThat(p.architectures()).isEqualTo(Set.of("SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"));
        assertThat(p.syscalls().getFirst().names()).contains("read", "execve", "futex").doesNotContain("keyctl",
                "io_uring_setup", "socket");
    }

    @Test
    void theBuiltInProfileLetsJrunsLaunchThrough() throws Exception {
        for (Architecture arch : Architecture.values()) {
            for (boolean noNewPrivs : new boolean[] {true, false}) {
                assertThat(SeccompCompiler.compile(DefaultProfile.get(), new SeccompTarget(arch, 0, KERNEL, noNewPrivs))
                        .evaluate("futex")).isEqualTo(ALLOW);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void theProgramIsOneTheKernelAccepts(Architecture arch) throws Exception {
        SeccompProgram program = compileDefault(arch, PODMAN_CAPS);
        assertWellFormed(program);
        assertThat(program.instructions()).as("some jumps needed a 32-bit ja: relaxation was exercised")
                .anyMatch(i -> i.code() == (BpfInstruction.JMP | BpfInstruction.JA));
        assertThat(program.architecture()).isEqualTo(arch);
        assertThat(program.flags()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void theEscapeSuitesCallsGetEperm(Architecture arch) throws Exception {
        SeccompProgram program = compileDefault(arch, PODMAN_CAPS);
        for (String name : new String[] {"keyctl", "add_key", "request_key", "bpf", "perf_event_open", "kexec_load",
                "kexec_file_load", "open_by_handle_at", "mount", "umount2", "unshare", "setns", "pivot_root", "swapon",
                "init_module", "finit_module", "delete_module", "reboot", "settimeofday", "clock_settime", "syslog",
                "io_uring_setup", "io_uring_enter", "userfaultfd", "fsopen", "open_tree", "move_mount", "kcmp",
                "pidfd_getfd", "lookup_dcookie", "quotactl", "nfsservctl", "sethostname", "setdomainname", "acct",
                "vhangup", "mbind", "lsm_set_self_attr", "fanotify_init"}) {
            if (arch.syscalls().number(name).isEmpty()) {
                continue; // nfsservctl, lookup_dcookie exist on one of the two only
            }
            assertThat(hex(program.evaluate(name))).as(name).isEqualTo(hex(EPERM));
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void everyCallOfTheTableGetsWhatTheProfileSays(Architecture arch) throws Exception {
        SeccompProgram program = compileDefault(arch, PODMAN_CAPS);
        SyscallTable table = arch.syscalls();
        Set<String> allowed = new HashSet<>(DefaultProfile.get().syscalls().getFirst().names());
        allowed.addAll(Set.of("process_vm_readv", "process_vm_writev", "ptrace")); // minKernel 4.8
        if (arch == Architecture.X86_64) {
            allowed.addAll(Set.of("arch_prctl", "modify_ldt"));
        }
        // chroot, kill etc. follow from the capability set: CAP_SYS_CHROOT is in podman's set
        allowed.add("chroot");
        Set<String> withArguments = Set.of("socket", "personality", "clone", "clone3");
        int checked = 0;
        for (String name : table.names()) {
            if (withArguments.contains(name)) {
                continue;
            }
            int nr = table.number(name).getAsInt();
            int expected = allowed.contains(name) ? ALLOW : nr > HIGHEST_NAMED ? ENOSYS : EPERM;
            assertThat(hex(program.evaluate(name))).as(name + " (" + nr + ")").isEqualTo(hex(expected));
            checked++;
        }
        assertThat(checked).isGreaterThan(300);
        assertThat(table.number("listns")).as("a call newer than the profile").hasValue(470);
        assertThat(hex(program.evaluate("listns"))).isEqualTo(hex(ENOSYS));
        assertThat(hex(program.evaluate("open_tree_attr"))).isEqualTo(hex(ENOSYS));
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void numbersBeyondTheTableGetEnosysAndOtherAbisAreKilled(Architecture arch) throws Exception {
        SeccompProgram program = compileDefault(arch, PODMAN_CAPS);
        int native_ = arch.auditArch();
        assertThat(hex(program.evaluate(SeccompData.of(native_, HIGHEST_NAMED + 1)))).isEqualTo(hex(ENOSYS));
        assertThat(hex(program.evaluate(SeccompData.of(native_, 1000)))).isEqualTo(hex(ENOSYS));
        assertThat(hex(program.evaluate(SeccompData.of(native_, 0x3fffffff)))).isEqualTo(hex(ENOSYS));
        assertThat(hex(program.evaluate(SeccompData.of(native_, -1)))).as("syscall(-1) is no call: ENOSYS")
                .isEqualTo(hex(ENOSYS));
        // i386 and AArch32: their 11 is execve, x86_64's munmap. Whatever the number: killed.
        for (int foreign : new int[] {Architecture.AUDIT_ARCH_I386, Architecture.AUDIT_ARCH_ARM,
                Architecture.X86_64.auditArch() ^ Architecture.AARCH64.auditArch() ^ native_}) {
            for (int nr : new int[] {0, 11, 59, 221, 400}) {
                assertThat(hex(program.evaluate(SeccompData.of(foreign, nr)))).as("arch %x nr %d", foreign, nr)
                        .isEqualTo(hex(KILL_PROCESS));
            }
        }
        int x32 = Architecture.X32_SYSCALL_BIT;
        int expectedX32 = arch == Architecture.X86_64 ? KILL_PROCESS : ENOSYS;
        for (int nr : new int[] {x32, x32 | 1, x32 | 59, x32 | 520, 0x7fffffff, 0x80000000}) {
            assertThat(hex(program.evaluate(SeccompData.of(native_, nr)))).as("x32-range number %x", nr)
                    .isEqualTo(hex(expectedX32));
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void cloneWithoutNamespaceFlagsOnlyAndClone3Enosys(Architecture arch) throws Exception {
        SeccompProgram program = compileDefault(arch, PODMAN_CAPS);
        assertThat(hex(program.evaluate("clone", SPAWN_CLONE))).isEqualTo(hex(ALLOW));
        assertThat(hex(program.evaluate("clone", 0x003d0f00))).as("pthread_create's flags").isEqualTo(hex(ALLOW));
        assertThat(hex(program.evaluate("clone", SPAWN_CLONE | CLONE_NEWUSER))).isEqualTo(hex(EPERM));
        assertThat(hex(program.evaluate("clone", CLONE_NEWNS))).isEqualTo(hex(EPERM));
        for (long flag : new long[] {0x02000000, 0x04000000, 0x08000000, 0x20000000, 0x40000000}) {
            assertThat(hex(program.evaluate("clone", flag | 17))).as("flag %x", flag).isEqualTo(hex(EPERM));
        }
        assertThat(hex(program.evaluate("clone", 1L << 32 | SPAWN_CLONE))).as("high bits are no namespace flags")
                .isEqualTo(hex(ALLOW));
        assertThat(hex(program.evaluate("clone3"))).isEqualTo(hex(ENOSYS));

        SeccompProgram admin = compileDefault(arch, PODMAN_CAPS | 1L << Capabilities.CAP_SYS_ADMIN);
        assertThat(hex(admin.evaluate("clone", SPAWN_CLONE | CLONE_NEWUSER))).isEqualTo(hex(ALLOW));
        assertThat(hex(admin.evaluate("clone3"))).isEqualTo(hex(ALLOW));
        assertThat(hex(admin.evaluate("mount"))).isEqualTo(hex(ALLOW));
        assertThat(hex(admin.evaluate("unshare"))).isEqualTo(hex(ALLOW));
        assertThat(hex(admin.evaluate("bpf"))).isEqualTo(hex(ALLOW));
        assertThat(hex(admin.evaluate("lsm_list_modules"))).isEqualTo(hex(ALLOW));
        assertThat(hex(admin.evaluate("keyctl"))).as("no capability opens keyctl").isEqualTo(hex(EPERM));
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void socketTakesAnAllowListOfFamilies(Architecture arch) throws Exception {
        SeccompProgram program = compileDefault(arch, PODMAN_CAPS);
        for (int family : new int[] {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET, 3, 11, 13, 39, 41, AF_MCTP}) {
            assertThat(hex(program.evaluate("socket", family, 1, 0))).as("family %d", family).isEqualTo(hex(ALLOW));
        }
        for (int family : new int[] {AF_ALG, AF_VSOCK, 12, 19, 20, 23, 25, 34, 37, 46, 255, 0x7fffffff}) {
            assertThat(hex(program.evaluate("socket", family, 1, 0))).as("family %d", family).isEqualTo(hex(EPERM));
        }
        // The kernel reads the family as an int: 1 << 32 | AF_VSOCK would be AF_VSOCK.
        assertThat(hex(program.evaluate("socket", 1L << 32 | AF_VSOCK, 1, 0))).isEqualTo(hex(EPERM));
        assertThat(hex(program.evaluate("socket", 1L << 32 | AF_INET, 1, 0))).isEqualTo(hex(EPERM));
        assertThat(hex(program.evaluate("socketpair", AF_VSOCK))).as("socketpair is not filtered, as in docker")
                .isEqualTo(hex(ALLOW));
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void personalityOnlyForTheHarmlessPersonas(Architecture arch) throws Exception {
        SeccompProgram program = compileDefault(arch, PODMAN_CAPS);
        for (long persona : new long[] {0, 8, 0x20000, 0x20008, 0xffffffffL}) {
            assertThat(hex(program.evaluate("personality", persona))).as("persona %x", persona).isEqualTo(hex(ALLOW));
        }
        for (long persona : new long[] {1, 0x0040000 /* ADDR_NO_RANDOMIZE */, 0x0400000 /* READ_IMPLIES_EXEC */,
                0xffffffffffffffffL, 1L << 32}) {
            assertThat(hex(program.evaluate("personality", persona))).as("persona %x", persona).isEqualTo(hex(EPERM));
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void capabilitiesOpenTheirCalls(Architecture arch) throws Exception {
        record Gate(int capability, String call) {
        }
        for (Gate g : new Gate[] {new Gate(Capabilities.CAP_DAC_READ_SEARCH, "open_by_handle_at"),
                new Gate(Capabilities.CAP_SYS_PTRACE, "kcmp"), new Gate(Capabilities.CAP_SYS_PTRACE, "pidfd_getfd"),
                new Gate(Capabilities.CAP_SYS_MODULE, "finit_module"), new Gate(Capabilities.CAP_SYS_BOOT, "reboot"),
                new Gate(Capabilities.CAP_SYS_TIME, "clock_settime"), new Gate(Capabilities.CAP_SYS_NICE, "mbind"),
                new Gate(Capabilities.CAP_SYSLOG, "syslog"), new Gate(Capabilities.CAP_BPF, "bpf"),
                new Gate(Capabilities.CAP_PERFMON, "perf_event_open"), new Gate(Capabilities.CAP_SYS_PACCT, "acct"),
                new Gate(Capabilities.CAP_SYS_TTY_CONFIG, "vhangup")}) {
            long without = PODMAN_CAPS & ~(1L << g.capability());
            assertThat(hex(compileDefault(arch, without).evaluate(g.call()))).as(g.call()).isEqualTo(hex(EPERM));
            assertThat(hex(compileDefault(arch, without | 1L << g.capability()).evaluate(g.call()))).as(g.call())
                    .isEqualTo(hex(ALLOW));
        }
        assertThat(hex(compileDefault(arch, 0).evaluate("chroot"))).isEqualTo(hex(EPERM));
        assertThat(hex(compileDefault(arch, PODMAN_CAPS).evaluate("chroot"))).isEqualTo(hex(ALLOW));
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void ptraceNeedsLinux48(Architecture arch) throws Exception {
        SeccompProgram old = SeccompCompiler.compile(DefaultProfile.get(),
                new SeccompTarget(arch, PODMAN_CAPS, new KernelVersion(4, 4), true));
        assertThat(hex(old.evaluate("ptrace"))).isEqualTo(hex(EPERM));
        assertThat(hex(compileDefault(arch, PODMAN_CAPS).evaluate("ptrace"))).isEqualTo(hex(ALLOW));
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void everyNameInTheProfileExistsOnOneOfJrunsArchitectures(Architecture ignored) {
        for (SyscallRule rule : DefaultProfile.get().syscalls()) {
            for (String name : rule.names()) {
                assertThat(Architecture.X86_64.syscalls().number(name).isPresent()
                        || Architecture.AARCH64.syscalls().number(name).isPresent()).as(name).isTrue();
            }
        }
    }
}
