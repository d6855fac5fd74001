package io.jrun.runtime.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrun.linux.Capabilities;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Mounts;
import io.jrun.linux.Namespaces;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;
import io.jrun.linux.Seccomp;
import io.jrun.linux.Spawn;
import io.jrun.linux.SyscallProbe;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiled profiles in the real kernel (root). A filter cannot be removed, so each one goes on
 * a throw-away platform thread, as jrun's setup thread does; the test thread shows the rest of
 * the JVM stays unfiltered. Every probe passes arguments the kernel itself would refuse with
 * another errno (NULL pointers, fd -1, an unknown kexec architecture), so EPERM can only come
 * from the filter and nothing ever happens on the host.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeccompKernelTest {
    private static final String THREAD_STATUS = "/proc/thread-self/status";
    private static final long CAP_SYS_ADMIN = 1L << Capabilities.CAP_SYS_ADMIN;
    private static final int AF_VSOCK = 40, SOCK_STREAM = 1, SIGCONT = 18;
    /** Above any pid_max (at most 2^22): kill() answers ESRCH. */
    private static final long NO_SUCH_PID = 0x7ffffff0L;

    /** call name → arguments; keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, create=0) */
    private static final Map<String, long[]> DENIED = new LinkedHashMap<>();

    static {
        DENIED.put("keyctl", new long[] {0, -3, 0});
        DENIED.put("add_key", new long[] {0, 0, 0, 0, 0});
        DENIED.put("bpf", new long[] {0, 0, 0});
        DENIED.put("perf_event_open", new long[] {0, 0, -1, -1, 0});
        DENIED.put("kexec_load", new long[] {0, 0, 0, 0x7fff0000L});
        DENIED.put("open_by_handle_at", new long[] {-1, 0, 0});
        DENIED.put("unshare", new long[] {0});
        DENIED.put("socket", new long[] {AF_VSOCK, SOCK_STREAM, 0});
    }

    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        assertThat(ProcessHandle.current().children().toList()).as("children left behind").isEmpty();
    }

    private interface Body<T> {
        T run() throws Exception;
    }

    /** Runs {@code body} on a fresh platform thread with no_new_privs set and {@code program} installed. */
    private static <T> T filtered(SeccompProgram program, Body<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("jrun-seccomp-test").start(() -> {
            try {
                Capabilities.setNoNewPrivs();
                program.install();
                result.set(body.run());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.join();
        if (failure.get() instanceof Exception e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    private static String status(String file, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of(file))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        throw new AssertionError(file + " has no " + field + " line");
    }

    /** Each call's outcome; a descriptor a call did return (socket where vsock exists) is closed. */
    private static Map<String, String> probe(Map<String, long[]> calls) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        calls.forEach((name, args) -> {
            long result = SyscallProbe.call(name, args);
            if (result >= 0 && name.equals("socket")) {
                SyscallProbe.call("close", result);
            }
            outcomes.put(name, result < 0 && result >= -4095 ? Errno.name((int) -result) : "ok");
        });
        return outcomes;
    }

    /**
     * The launch path installs the filter after pivot_root, when the thread can no longer load
     * classes from jrun's class path (JDK classes still load: the runtime image stays open).
     * Compiling and preload() must have loaded everything install() uses. First in this class,
     * so no earlier install in this JVM has run the path already.
     */
    @Test
    @Order(1)
    void installsAfterPivotRootWithOnlyPreloadedClasses() throws Exception {
        SeccompProgram program = SeccompCompiler.compile(DefaultProfile.get(),
                SeccompTarget.thisMachine(Filters.PODMAN_CAPS, true));
        String root = dir.toString();
        AtomicReference<String> seen = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            try (InputStream status = new FileInputStream("/proc/thread-self/status")) {
                Namespaces.unshare(Namespaces.CLONE_FS | Namespaces.CLONE_NEWNS);
                Mounts.mount(null, "/", null, Mounts.MS_REC | Mounts.MS_PRIVATE, null);
                Mounts.mount("jrun-seccomp-root", root, "tmpfs", 0, "size=64k");
                SeccompProgram.preload();
                Capabilities.setNoNewPrivs();
                Mounts.chdir(root);
                Mounts.pivotRoot(".", ".");
                Mounts.umount2(".", Mounts.MNT_DETACH);
                program.install();
                String text = new String(status.readAllBytes(), StandardCharsets.US_ASCII);
                seen.set(text.lines().filter(l -> l.startsWith("Seccomp:")).findFirst().orElse("no Seccomp line"));
            } catch (Throwable t) {
                seen.set(t.toString());
            }
        });
        thread.join();
        assertThat(seen.get()).isEqualTo("Seccomp:\t2");
    }

    @Test
    void theDefaultProfileDeniesTheEscapeCallsOnItsThreadOnly() throws Exception {
        SeccompProgram program = SeccompCompiler.compile(DefaultProfile.get(),
                SeccompTarget.thisMachine(Filters.PODMAN_CAPS, true));
        Map<String, String> seen = filtered(program, () -> {
            Map<String, String> outcomes = probe(DENIED);
            outcomes.put("getpid", SyscallProbe.outcome("getpid"));
            outcomes.put("uname", SyscallProbe.outcome("uname", 0));
            outcomes.put("clone3", SyscallProbe.outcome("clone3", 0, 0));
            outcomes.put("file_getattr", SyscallProbe.outcome("file_getattr", -1, 0, 0, 0, 0));
            outcomes.put("Seccomp", status(THREAD_STATUS, "Seccomp"));
            outcomes.put("NoNewPrivs", status(THREAD_STATUS, "NoNewPrivs"));
            return outcomes;
        });
        for (String name : DENIED.keySet()) {
            assertThat(seen.get(name)).as(name).isEqualTo("EPERM");
            // the Java evaluation of the same program agrees with the kernel
            assertThat(program.evaluate(name, DENIED.get(name))).as(name).isEqualTo(Filters.EPERM);
        }
        assertThat(seen.get("getpid")).isEqualTo("ok");
        assertThat(seen.get("uname")).as("allowed: the kernel itself answers").isEqualTo("EFAULT");
        assertThat(seen.get("clone3")).as("glibc falls back to clone").isEqualTo("ENOSYS");
        assertThat(seen.get("file_getattr")).as("Linux 6.17, newer than the profile").isEqualTo("ENOSYS");
        assertThat(seen.get("Seccomp")).isEqualTo("2");
        assertThat(seen.get("NoNewPrivs")).isEqualTo("1");

        // The test's own thread and the JVM's main thread are not filtered.
        assertThat(status(THREAD_STATUS, "Seccomp")).isEqualTo("0");
        assertThat(status("/proc/self/status", "Seccomp")).isEqualTo("0");
        Map<String, String> unfiltered = probe(DENIED);
        unfiltered.remove("unshare"); // unshare(0) succeeds here, fine, but the point is EPERM
        assertThat(unfiltered).as("the kernel's own answers to the same probes").doesNotContainValue("EPERM");
        assertThat(SyscallProbe.outcome("file_getattr", -1, 0, 0, 0, 0)).isNotEqualTo("ENOSYS");
    }

    @Test
    void capabilitiesInTheTargetOpenTheirCalls() throws Exception {
        SeccompProgram admin = SeccompCompiler.compile(DefaultProfile.get(),
                SeccompTarget.thisMachine(Filters.PODMAN_CAPS | CAP_SYS_ADMIN, true));
        String[] seen = filtered(admin, () -> new String[] {SyscallProbe.outcome("unshare", 0),
                SyscallProbe.outcome("clone3", 0, 0), SyscallProbe.outcome("keyctl", 0, -3, 0)});
        assertThat(seen[0]).isEqualTo("ok");
        assertThat(seen[1]).as("clone3(NULL, 0): the kernel answers (size 0 is too small)").isEqualTo("EINVAL");
        assertThat(seen[2]).isEqualTo("EPERM");
    }

    @Test
    void aCustomProfilesErrnoRetIsHonoured() throws Exception {
        SeccompProfile profile = ProfileParser.parse("""
                {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG"], "syscalls": [
                  {"names": ["uname"], "action": "SCMP_ACT_ERRNO", "errnoRet": 61},
                  {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 0},
                  {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95, "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}
                ]}""".getBytes(), "/custom.json");
        SeccompProgram program = SeccompCompiler.compile(profile, SeccompTarget.thisMachine(0, true));
        long pid = ProcessHandle.current().pid();
        String[] seen = filtered(program, () -> new String[] {SyscallProbe.outcome("uname", 0),
                String.valueOf(SyscallProbe.call("getppid")), SyscallProbe.outcome("kill", pid, 0),
                SyscallProbe.outcome("kill", NO_SUCH_PID, SIGCONT)});
        assertThat(seen[0]).isEqualTo("ENODATA");
        assertThat(seen[1]).as("errno 0: the call is skipped and returns 0").isEqualTo("0");
        assertThat(seen[2]).isEqualTo("EOPNOTSUPP");
        assertThat(seen[3]).as("other signals reach the kernel").isEqualTo("ESRCH");
        assertThat(SyscallProbe.call("getppid")).isPositive();
    }

    @Test
    void posixSpawnWorksUnderTheFilterAndTheChildInheritsIt() throws Exception {
        SeccompProgram program = SeccompCompiler.compile(DefaultProfile.get(),
                SeccompTarget.thisMachine(Filters.PODMAN_CAPS, true));
        Path out = dir.resolve("out");
        Processes.ExitStatus status = filtered(program, () -> {
            try (Spawn.FileActions actions = new Spawn.FileActions()) {
                actions.open(1, out.toString(), OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_TRUNC, 0644);
                actions.dup2(1, 2).closeFrom(3);
                long child = Spawn.spawn("/bin/sh", List.of("sh", "-c",
                        "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; unshare --user true; echo unshare $?"),
                        List.of("PATH=/usr/bin:/bin", "LC_ALL=C"), actions, Spawn.POSIX_SPAWN_SETSID, 0);
                return Processes.wait4(child, 0);
            }
        });
        assertThat(status.exitCode()).isZero();
        String output = Files.readString(out);
        assertThat(output).contains("Seccomp:\t2\n", "NoNewPrivs:\t1\n", "unshare: unshare failed: Operation not permitted",
                "unshare 1\n");
    }

    @Test
    void theKernelKnowsEveryActionTheCompilerEmits() throws Exception {
        for (SeccompAction action : SeccompAction.values()) {
            assertThat(Seccomp.actionAvailable(action.ret(0))).as(action.profileName()).isTrue();
        }
        assertThat(status(THREAD_STATUS, "Seccomp")).isEqualTo("0");
    }

    @Test
    void withoutNoNewPrivsInstallingNeedsSysAdmin() throws Exception {
        SeccompProgram program = SeccompCompiler.compile(DefaultProfile.get(),
                SeccompTarget.thisMachine(Filters.PODMAN_CAPS, false));
        AtomicReference<String> seen = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                Capabilities.Sets sets = Capabilities.get();
                Capabilities.set(new Capabilities.Sets(sets.effective() & ~CAP_SYS_ADMIN, sets.permitted(), 0));
                try {
                    program.install();
                    seen.set("installed");
                } catch (ErrnoException e) {
                    Capabilities.set(sets);
                    program.install(); // with CAP_SYS_ADMIN back, as jrun does before its capability drop
                    seen.set(e.errnoName() + " " + status(THREAD_STATUS, "Seccomp") + " " + status(THREAD_STATUS, "NoNewPrivs"));
                }
            } catch (Exception e) {
                seen.set(e.toString());
            }
        });
        thread.join();
        assertThat(seen.get()).isEqualTo("EACCES 2 0");
    }
}
