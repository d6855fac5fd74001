package io.jrun.runtime.seccomp;

import io.jrun.linux.Errno;
import io.jrun.linux.Seccomp;
import io.jrun.linux.SyscallTable;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Refuses a filter that would break jrun itself. jrun installs the filter on its setup thread,
 * a JVM thread, which then runs under it until it exits: it posix_spawns the app (glibc
 * allocates a stack and clones, the child runs the file actions and execve), counts a latch
 * down, closes descriptors and ends. A kill or trap there would take down that thread or the
 * whole JVM (SIGSYS), and a refused futex or munmap leaves the JVM in an undefined state.
 * docker never meets this: runc installs the filter in the container's own process.
 *
 * <p>So, run through the filter in Java: the calls the JVM thread itself needs must be allowed;
 * posix_spawn's clone3 must be allowed or answer ENOSYS, and then clone with posix_spawn's flags
 * must be allowed; the other calls of the launch (in the spawned child, and the capability drop
 * when the filter goes in before it) must not kill or trap, as an errno there fails the launch
 * with a message instead.
 */
final class LaunchCheck {
    private LaunchCheck() {
    }

    /** Calls the JVM thread makes whatever happens: memory, locks, signals, its own exit. */
    private static final List<String> ALLOWED = List.of("futex", "mmap", "munmap", "mprotect", "madvise", "brk",
            "rt_sigprocmask", "exit");
    /** Calls of the launch that may fail with an errno but must not kill. */
    private static final List<String> NOT_FATAL = List.of("rt_sigaction", "rt_sigreturn", "sched_yield", "gettid",
            "getpid", "clock_gettime", "clock_nanosleep", "nanosleep", "write", "close", "close_range", "openat",
            "dup2", "dup3", "chdir", "setsid", "execve", "exit_group");
    /** The capability drop's calls, filtered when the filter is installed before it. */
    private static final List<String> PRIVILEGE_DROP = List.of("capget", "capset", "prctl", "setgroups", "setresgid",
            "setresuid");
    /** glibc's posix_spawn: clone(CLONE_VM | CLONE_VFORK | SIGCHLD, stack, ...). */
    private static final long SPAWN_CLONE_FLAGS = 0x00000100 | 0x00004000 | 17;

    static void verify(SeccompProgram program, SeccompTarget target, String source) throws SeccompProfileException {
        SyscallTable table = program.architecture().syscalls();
        List<String> problems = new ArrayList<>();
        for (String name : ALLOWED) {
            int ret = answer(program, table, name, 0);
            if (!lets(ret)) {
                problems.add(name + " (" + describe(ret) + ")");
            }
        }
        int clone3 = answer(program, table, "clone3", 0);
        if (!lets(clone3)) {
            if (clone3 != SeccompAction.ERRNO.ret(Errno.ENOSYS)) {
                problems.add("clone3 (" + describe(clone3) + "; allow it, or answer ENOSYS so glibc falls back to clone)");
            } else {
                int clone = answer(program, table, "clone", SPAWN_CLONE_FLAGS);
                if (!lets(clone)) {
                    problems.add("clone with CLONE_VM|CLONE_VFORK (" + describe(clone) + ")");
                }
            }
        }
        List<String> notFatal = new ArrayList<>(NOT_FATAL);
        if (!target.noNewPrivileges()) {
            notFatal.addAll(PRIVILEGE_DROP);
        }
        for (String name : notFatal) {
            if (table.number(name).isEmpty()) {
                continue; // dup2 on aarch64
            }
            int ret = answer(program, table, name, 0);
            if (kills(ret)) {
                problems.add(name + " (" + describe(ret) + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new SeccompProfileException(source, "it would break jrun's launch, which runs under the filter until"
                    + " the container's process starts; it must allow " + String.join(", ", problems));
        }
    }

    private static int answer(SeccompProgram program, SyscallTable table, String name, long arg0) {
        OptionalInt nr = table.number(name);
        if (nr.isEmpty()) {
            throw new AssertionError(table.architecture() + " has no " + name);
        }
        return program.evaluate(SeccompData.of(program.architecture().auditArch(), nr.getAsInt(), arg0));
    }

    /** Whether the call goes ahead. */
    private static boolean lets(int ret) {
        int action = ret & Seccomp.SECCOMP_RET_ACTION_FULL;
        return action == Seccomp.SECCOMP_RET_ALLOW || action == Seccomp.SECCOMP_RET_LOG;
    }

    private static boolean kills(int ret) {
        int action = ret & Seccomp.SECCOMP_RET_ACTION_FULL;
        return action == Seccomp.SECCOMP_RET_KILL_PROCESS || action == Seccomp.SECCOMP_RET_KILL_THREAD
                || action == Seccomp.SECCOMP_RET_TRAP;
    }

    private static String describe(int ret) {
        int action = ret & Seccomp.SECCOMP_RET_ACTION_FULL;
        int data = ret & Seccomp.SECCOMP_RET_DATA;
        for (SeccompAction a : SeccompAction.values()) {
            if (a != SeccompAction.KILL && a.ret(0) == action) {
                return a == SeccompAction.ERRNO ? "it answers " + Errno.name(data) : "it gets " + a.profileName();
            }
        }
        return "it returns 0x" + Integer.toHexString(ret);
    }
}
