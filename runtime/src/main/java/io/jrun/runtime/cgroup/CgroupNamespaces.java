package io.jrun.runtime.cgroup;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Pipes;
import io.jrun.linux.Processes;
import io.jrun.linux.Spawn;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A cgroup namespace rooted at a pod's cgroup, made without moving this process.
 *
 * <p>The kernel roots a new cgroup namespace at the cgroup of the task that unshares it, and a
 * task of a multithreaded process cannot join a (domain) cgroup alone: writing a pid to
 * cgroup.procs moves every thread. So a JVM that unshared the namespace itself would have to
 * enter the pod's cgroup for a moment, and meanwhile every other thread of it (an embedding
 * application's, another launch's) would run, allocate and open devices as the pod's. Instead a
 * short-lived helper does it, made of the host's own essential tools:
 * {@code sh -c 'echo 0 > POD/cgroup.procs && exec unshare --cgroup cat'}. It moves itself into
 * the pod's cgroup, unshares the namespace there and becomes {@code cat}, which echoes a line
 * jrun writes once it runs: by then the namespace exists. jrun opens it through
 * {@code /proc/PID/ns/cgroup} (the helper is jrun's unreaped child, so the pid cannot have
 * been reused), ends the helper, and the setup thread joins the namespace with setns, which
 * is per thread. The open descriptor keeps the namespace alive after the helper is gone.
 * Cost: three execs (sh, unshare, cat), a few milliseconds.
 */
public final class CgroupNamespaces {
    private static final List<String> SH = List.of("/bin/sh", "/usr/bin/sh");
    private static final List<String> UNSHARE = List.of("/usr/bin/unshare", "/bin/unshare");
    private static final List<String> CAT = List.of("/bin/cat", "/usr/bin/cat");
    private static final String SCRIPT = "echo 0 > \"$1\" && exec \"$2\" --cgroup \"$3\"";
    private static final String READY = "jrun-cgroupns-ready\n";

    private CgroupNamespaces() {
    }

    /**
     * A new cgroup namespace whose root is the cgroup {@code cgroupDir}: a descriptor for setns.
     * The cgroup must exist and take processes (a leaf, or one with no controllers enabled below).
     */
    public static Fd rootedAt(Path cgroupDir) throws CgroupException {
        String sh = find(SH, "sh");
        String unshare = find(UNSHARE, "unshare (util-linux)");
        String cat = find(CAT, "cat (coreutils)");
        try (Pipes.Pipe input = Pipes.pipe(); Pipes.Pipe output = Pipes.pipe();
             Spawn.FileActions actions = new Spawn.FileActions()) {
            actions.dup2(input.readEnd().value(), 0)
                    .dup2(output.writeEnd().value(), 1)
                    .dup2(output.writeEnd().value(), 2)
                    .closeFrom(3);
            long pid = Spawn.spawn(sh, List.of("jrun-cgroupns", "-c", SCRIPT, "jrun-cgroupns",
                    cgroupDir.resolve("cgroup.procs").toString(), unshare, cat), List.of("LC_ALL=C"), actions, 0, 0);
            try {
                input.readEnd().close();
                output.writeEnd().close();
                try {
                    FileSyscalls.write(input.writeEnd().value(), READY.getBytes(StandardCharsets.US_ASCII));
                } catch (ErrnoException ended) {
                    // EPIPE: the helper is gone already; what it said on its way out follows
                }
                String said = readUpTo(output.readEnd().value(), READY.length());
                if (!said.equals(READY)) {
                    String more = said + readUpTo(output.readEnd().value(), 4096);
                    throw new CgroupException("cannot make the pod's cgroup namespace in " + cgroupDir + ": "
                            + (more.isBlank() ? "the helper " + sh + " -c '" + SCRIPT + "' ended" : more.strip().lines()
                            .reduce((a, b) -> b).orElse("")) + " (the cgroup must exist and accept processes)");
                }
                return FileSyscalls.openat(AtFlags.AT_FDCWD, "/proc/" + pid + "/ns/cgroup", OpenFlags.O_RDONLY
                        | OpenFlags.O_CLOEXEC, 0);
            } finally {
                try {
                    Processes.kill(pid, Processes.SIGKILL);
                } catch (ErrnoException gone) {
                    // ended by itself already (a failure): reaped below
                }
                Processes.wait4(pid, 0);
            }
        } catch (ErrnoException e) {
            throw new CgroupException("cannot make the pod's cgroup namespace in " + cgroupDir + ": " + e.getMessage(), e);
        }
    }

    /** Reads until {@code length} bytes or the end of input, whichever comes first. */
    private static String readUpTo(int fd, int length) throws ErrnoException {
        byte[] buffer = new byte[length];
        int have = 0;
        while (have < length) {
            int n = FileSyscalls.read(fd, buffer, have, length - have);
            if (n == 0) {
                break;
            }
            have += n;
        }
        return new String(buffer, 0, have, StandardCharsets.UTF_8);
    }

    private static String find(List<String> candidates, String what) throws CgroupException {
        for (String path : candidates) {
            if (Files.isExecutable(Path.of(path))) {
                return path;
            }
        }
        throw new CgroupException("no " + what + " at " + String.join(" or ", candidates)
                + ": jrun makes a pod's cgroup namespace with it; install it (Debian: it is an essential package)");
    }
}
