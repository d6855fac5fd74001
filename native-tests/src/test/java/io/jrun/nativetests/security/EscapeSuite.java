package io.jrun.nativetests.security;

import io.jrun.nativetests.fetch.JrunCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.jrun.nativetests.security.ProbeElf.fields;
import static io.jrun.nativetests.security.ProbeElf.num;
import static io.jrun.nativetests.security.ProbeElf.string;
import static io.jrun.nativetests.security.ProbeElf.struct;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The escape suite: probes from inside a container, as root in it, against the real kernel.
 * One container runs every probe with the defaults, one with {@code --privileged}; each test
 * asserts what the default denies (and how: the errno) and what --privileged opens up.
 * {@link EscapeSuiteTest} runs it on this machine, {@code vm.EscapeSuiteVmTest} in the VM group's
 * guest (systemd, a full cgroup v2, a real disk): the same probes, the same expectations.
 *
 * <p>Raw system calls come from {@link ProbeElf} programs, bind-mounted read-only at /probes:
 * each exits with the call's errno, 0 for a success. Where the kernel lacks a feature
 * (/proc/sysrq-trigger without CONFIG_MAGIC_SYSRQ, /proc/kcore without CONFIG_PROC_KCORE,
 * modules, kexec, Yama), the expected outcome is this kernel's, decided from the machine the
 * test runs on before the containers run, never skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EscapeSuite {
    private static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EBADF = 9, EINVAL = 22, EROFS = 30, ENOSYS = 38,
            ESTALE = 116;
    private static final int AT_FDCWD = -100, O_WRONLY = 1, O_NONBLOCK = 04000;
    private static final int PTRACE_ATTACH = 16, PTRACE_SEIZE = 0x4206;
    /** podman's 11: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT SETFCAP. */
    private static final String DEFAULT_CAPS = "00000000800405fb";
    /** A host process: the test's own JVM. */
    private static final long HOST_PID = ProcessHandle.current().pid();

    /** The probe programs, bind-mounted at /probes. */
    private Path probes;
    /** The outcomes with the defaults and with --privileged: probe name to value. */
    private Map<String, String> confined;
    private Map<String, String> privileged;

    /** Makes a state directory and fetches the busybox test image into it. */
    protected abstract void fetchBusybox() throws Exception;

    /** {@code jrun run --rm [OPTIONS…] BUSYBOX sh -c SCRIPT}, with that state directory and image. */
    protected abstract JrunCli.Result runShell(List<String> options, String script) throws Exception;

    @BeforeAll
    void runTheProbes() throws Exception {
        ProbeElf.requireX86_64();
        fetchBusybox();
        probes = Files.createTempDirectory("jrun-probes");
        writeProbes();
        confined = runProbes(List.of());
        privileged = runProbes(List.of("--privileged"));
    }

    @AfterAll
    void removeTheProbes() throws Exception {
        if (probes != null) {
            try (Stream<Path> files = Files.list(probes)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(probes);
        }
    }

    /** The raw system call probes, x86_64 numbers. */
    private void writeProbes() throws Exception {
        writeProbe("mount", ProbeElf.syscall(165, string("none"), string("/tmp"), string("tmpfs"), num(0), num(0)));
        writeProbe("remount", ProbeElf.syscall(165, num(0), string("/sys"), num(0), num(32 | 4096), num(0))); // MS_REMOUNT|MS_BIND: rw
        writeProbe("unshare_user", ProbeElf.syscall(272, num(0x10000000))); // CLONE_NEWUSER
        writeProbe("sysrq_write", ProbeElf.syscall(257, num(AT_FDCWD), string("/proc/sysrq-trigger"), num(O_WRONLY))); // opens, writes nothing
        writeProbe("kcore_open", ProbeElf.syscall(257, num(AT_FDCWD), string("/proc/kcore"), num(0)));
        writeProbe("finit_module", ProbeElf.syscall(313, num(-1), string(""), num(0)));
        writeProbe("syslog", ProbeElf.syscall(103, num(10), num(0), num(0))); // SYSLOG_ACTION_SIZE_BUFFER
        writeProbe("proc_kmsg", ProbeElf.syscall(257, num(AT_FDCWD), string("/proc/kmsg"), num(O_NONBLOCK)));
        writeProbe("dev_kmsg", ProbeElf.syscall(257, num(AT_FDCWD), string("/dev/kmsg"), num(O_NONBLOCK)));
        writeProbe("ptrace", ProbeElf.syscall(101, num(PTRACE_ATTACH), num(HOST_PID), num(0), num(0)));
        // pid 1, the container's sh that runs the probes: PTRACE_SEIZE attaches without stopping it
        // (an attach's SIGSTOP would stop a pid namespace's init for good), the probe's exit detaches
        writeProbe("ptrace_inside", ProbeElf.syscall(101, num(PTRACE_SEIZE), num(1), num(0), num(0)));
        writeProbe("mknod", ProbeElf.syscall(259, num(AT_FDCWD), string("/tmp/probe-sda"), num(0x6000 | 0600), num(0x800))); // block 8:0
        writeProbe("keyctl", ProbeElf.syscall(250, num(0), num(-3), num(0))); // KEYCTL_GET_KEYRING_ID of the session keyring
        writeProbe("add_key", ProbeElf.syscall(248, string("user"), string("jrun-probe"), string("x"), num(1), num(-2))); // process keyring
        writeProbe("bpf", ProbeElf.syscall(321, num(0), struct(fields(2, 4, 4, 1)), num(16))); // BPF_MAP_CREATE, an array of 1
        // perf_event_attr: PERF_TYPE_SOFTWARE, size 64, CPU_CLOCK, disabled|exclude_kernel|exclude_hv: allowed
        // unprivileged (perf_event_paranoid 2) but for the filter; pid 0, any cpu, no group, FD_CLOEXEC
        writeProbe("perf_event_open", ProbeElf.syscall(298, struct(fields(1, 64, 0L, 0L, 0L, 0L, 0x61L, 0L, 0L)), num(0), num(-1),
                num(-1), num(8)));
        writeProbe("kexec_load", ProbeElf.syscall(246, num(0), num(0), num(0), num(0xdead0000L))); // no such architecture: EINVAL
        // struct file_handle { 8 bytes, FILEID_INO32_GEN, inode 2 generation 0 }, relative to the working directory's mount
        writeProbe("open_by_handle_at", ProbeElf.syscall(304, num(AT_FDCWD), struct(fields(8, 1, 2L)), num(0)));
    }

    private void writeProbe(String name, byte[] program) throws Exception {
        Path p = Files.write(probes.resolve(name), program);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r-xr-xr-x"));
    }

    /** Runs every probe in one container; NAME=VALUE lines. */
    private Map<String, String> runProbes(List<String> options) throws Exception {
        String script = String.join("\n",
                "for p in /probes/*; do $p; echo \"${p##*/}=$?\"; done",
                "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status | tr -d '\\t' | tr : =",
                "kind() { if [ -e \"$1\" ]; then stat -c '%F %t:%T' \"$1\"; else echo absent; fi; }",
                "echo \"keys=$(kind /proc/keys)\"",
                "echo \"kcore=$(kind /proc/kcore)\"",
                "echo \"firmware=$(ls -A /sys/firmware | wc -l)\"",
                "echo \"hostpid=$([ -e /proc/" + HOST_PID + " ] && echo visible || echo invisible)\"",
                "echo \"pids=$(ls /proc | grep -E '^[0-9]+$' | tr '\\n' ' ')\"",
                "echo \"sys=$(awk '$5 == \"/sys\" { print substr($6, 1, 2) }' /proc/self/mountinfo)\"",
                "echo \"procsys=$(awk '$5 == \"/proc/sys\" { print substr($6, 1, 2) }' /proc/self/mountinfo)\"");
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("-v", probes + ":/probes:ro"));
        JrunCli.Result r = runShell(args, script);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : r.stdout().lines().toList()) {
            int eq = line.indexOf('=');
            assertThat(eq).as("probe output line: " + line).isPositive();
            values.put(line.substring(0, eq), line.substring(eq + 1).strip());
        }
        return values;
    }

    private static int errno(Map<String, String> outcome, String probe) {
        assertThat(outcome).as("outcomes").containsKey(probe);
        return Integer.parseInt(outcome.get(probe));
    }

    private static boolean hostHas(String path) {
        return Files.exists(Path.of(path));
    }

    /** Yama's kernel.yama.ptrace_scope, 0 (classic ptrace permissions) without Yama. */
    private static int yamaPtraceScope() throws Exception {
        Path scope = Path.of("/proc/sys/kernel/yama/ptrace_scope");
        return Files.exists(scope) ? Integer.parseInt(Files.readString(scope).strip()) : 0;
    }

    // ------------------------------------------------------------------ the probes

    @Test
    void cannotMountOrRemount() {
        assertThat(errno(confined, "mount")).as("mount a tmpfs").isEqualTo(EPERM);
        assertThat(errno(confined, "remount")).as("remount /sys read-write").isEqualTo(EPERM);
        assertThat(errno(privileged, "mount")).isZero();
        assertThat(errno(privileged, "remount")).isZero();
    }

    @Test
    void cannotUnshareAUserNamespace() {
        assertThat(errno(confined, "unshare_user")).isEqualTo(EPERM);
        assertThat(errno(privileged, "unshare_user")).isZero();
    }

    @Test
    void cannotSeeHostPids() {
        for (Map<String, String> outcome : List.of(confined, privileged)) {
            assertThat(outcome.get("hostpid")).as("/proc/%d of the host's test JVM", HOST_PID).isEqualTo("invisible");
            assertThat(outcome.get("pids").split(" ")).as("the container's own pids only: its sh, the probes, ls…")
                    .allSatisfy(pid -> assertThat(Integer.parseInt(pid)).isLessThan(100)).contains("1");
        }
    }

    @Test
    void cannotWriteSysrqTrigger() {
        if (hostHas("/proc/sysrq-trigger")) {
            assertThat(errno(confined, "sysrq_write")).as("a read-only bind mount").isEqualTo(EROFS);
            assertThat(errno(privileged, "sysrq_write")).as("opened for writing (nothing written)").isZero();
        } else { // CONFIG_MAGIC_SYSRQ is off: there is none to write, privileged or not
            assertThat(errno(confined, "sysrq_write")).isEqualTo(ENOENT);
            assertThat(errno(privileged, "sysrq_write")).isEqualTo(ENOENT);
        }
    }

    @Test
    void cannotReadKcore() {
        if (hostHas("/proc/kcore")) {
            assertThat(confined.get("kcore")).as("/dev/null over it").isEqualTo("character special file 1:3");
            assertThat(errno(privileged, "kcore_open")).as("CAP_SYS_RAWIO opens it").isZero();
            assertThat(privileged.get("kcore")).startsWith("regular");
        } else { // CONFIG_PROC_KCORE is off
            assertThat(confined.get("kcore")).isEqualTo("absent");
            assertThat(privileged.get("kcore")).isEqualTo("absent");
        }
    }

    @Test
    void cannotReadKeys() {
        assertThat(hostHas("/proc/keys")).as("this kernel has /proc/keys (CONFIG_KEYS)").isTrue();
        assertThat(confined.get("keys")).as("/dev/null over it").isEqualTo("character special file 1:3");
        assertThat(privileged.get("keys")).as("the kernel's own file").isEqualTo("regular empty file 0:0");
    }

    @Test
    void cannotReadFirmware() throws Exception {
        long hostEntries;
        try (var s = Files.list(Path.of("/sys/firmware"))) {
            hostEntries = s.count();
        }
        assertThat(hostEntries).as("the host's /sys/firmware has entries to hide").isPositive();
        assertThat(confined.get("firmware")).as("an empty tmpfs over it").isEqualTo("0");
        assertThat(Long.parseLong(privileged.get("firmware"))).isEqualTo(hostEntries);
    }

    @Test
    void cannotLoadModules() {
        assertThat(errno(confined, "finit_module")).isEqualTo(EPERM);
        // past the capability check the kernel looks at the file: fd -1; without module support the call does not exist
        assertThat(errno(privileged, "finit_module")).isEqualTo(hostHas("/proc/modules") ? EBADF : ENOSYS);
    }

    @Test
    void cannotReadTheKernelLog() {
        assertThat(errno(confined, "syslog")).as("syslog(2), what dmesg uses").isEqualTo(EPERM);
        assertThat(errno(confined, "proc_kmsg")).as("/proc/kmsg needs CAP_SYSLOG").isEqualTo(EPERM);
        assertThat(errno(confined, "dev_kmsg")).as("no /dev/kmsg in the container's /dev").isEqualTo(ENOENT);
        assertThat(errno(privileged, "syslog")).isZero();
        assertThat(errno(privileged, "proc_kmsg")).isZero();
        assertThat(errno(privileged, "dev_kmsg")).as("the host's device").isZero();
    }

    @Test
    void cannotPtraceOutsideAndPtraceInsideFollowsTheKernelsRules() throws Exception {
        // the host's processes are not in the container's pid namespace, --privileged or not
        assertThat(errno(confined, "ptrace")).isEqualTo(ESRCH);
        assertThat(errno(privileged, "ptrace")).isEqualTo(ESRCH);
        // A process that is there, pid 1: ptrace itself works in the container (the ESRCH above is
        // isolation, not a blocked call). The seccomp profile allows it, as docker's does (since Linux
        // 4.8 ptrace cannot bypass seccomp); the probe runs as pid 1's user with all of its
        // capabilities, which is all the kernel asks, unless Yama asks more: from scope 1 a tracer
        // that is not the target's ancestor needs CAP_SYS_PTRACE, which the defaults drop and
        // --privileged keeps; scope 3 forbids every attach.
        int scope = yamaPtraceScope();
        assertThat(errno(confined, "ptrace_inside")).as("Yama ptrace_scope %d", scope).isEqualTo(scope == 0 ? 0 : EPERM);
        assertThat(errno(privileged, "ptrace_inside")).as("Yama ptrace_scope %d", scope).isEqualTo(scope == 3 ? EPERM : 0);
    }

    @Test
    void cannotMknod() {
        assertThat(errno(confined, "mknod")).as("no CAP_MKNOD").isEqualTo(EPERM);
        assertThat(errno(privileged, "mknod")).isZero();
    }

    @Test
    void holdsNoAdminCapabilities() throws Exception {
        for (String set : List.of("CapPrm", "CapEff", "CapBnd")) {
            assertThat(confined.get(set)).as(set).isEqualTo(DEFAULT_CAPS);
            long bits = Long.parseUnsignedLong(confined.get(set), 16);
            for (int cap : new int[] {21, 16, 12}) { // CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_NET_ADMIN
                assertThat(bits & (1L << cap)).as("%s bit %d", set, cap).isZero();
            }
        }
        assertThat(confined.get("CapInh")).isEqualTo("0000000000000000");
        assertThat(confined.get("CapAmb")).isEqualTo("0000000000000000");
        // --privileged: everything jrun itself holds (this test's JVM holds the same)
        String jrunHolds = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapPrm:")).findFirst().orElseThrow().substring(7).strip();
        for (String set : List.of("CapPrm", "CapEff", "CapBnd")) {
            assertThat(privileged.get(set)).as(set).isEqualTo(jrunHolds);
        }
        assertThat(privileged.get("CapInh")).isEqualTo("0000000000000000");
        assertThat(privileged.get("CapAmb")).isEqualTo("0000000000000000");
    }

    @Test
    void runsUnderSeccompWithNoNewPrivs() {
        assertThat(confined.get("Seccomp")).as("filter mode").isEqualTo("2");
        assertThat(confined.get("NoNewPrivs")).isEqualTo("1");
        assertThat(privileged.get("Seccomp")).isEqualTo("0");
        assertThat(privileged.get("NoNewPrivs")).isEqualTo("0");
    }

    @Test
    void theKernelsSharedInterfacesAreOutOfReach() {
        for (String call : List.of("keyctl", "add_key", "bpf", "perf_event_open", "kexec_load", "open_by_handle_at")) {
            assertThat(errno(confined, call)).as(call).isEqualTo(EPERM);
        }
        assertThat(errno(privileged, "keyctl")).isZero();
        assertThat(errno(privileged, "add_key")).isZero();
        assertThat(errno(privileged, "bpf")).isZero();
        assertThat(errno(privileged, "perf_event_open")).isZero();
        assertThat(errno(privileged, "kexec_load")).as("past CAP_SYS_BOOT, the bogus architecture; or no kexec at all")
                .isEqualTo(hostHas("/sys/kernel/kexec_loaded") ? EINVAL : ENOSYS);
        assertThat(errno(privileged, "open_by_handle_at")).as("past CAP_DAC_READ_SEARCH: the handle was looked up")
                .isEqualTo(ESTALE);
    }

    @Test
    void sysAndProcSysAreReadOnlyUnlessPrivileged() {
        assertThat(confined.get("sys")).isEqualTo("ro");
        assertThat(confined.get("procsys")).isEqualTo("ro");
        assertThat(privileged.get("sys")).isEqualTo("rw");
        assertThat(privileged.get("procsys")).as("no mount of its own: proc's, read-write").isEmpty();
    }
}
