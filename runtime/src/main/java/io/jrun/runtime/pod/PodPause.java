package io.jrun.runtime.pod;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Capabilities;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Mounts;
import io.jrun.linux.Namespaces;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;
import io.jrun.linux.Spawn;
import io.jrun.runtime.spec.Namespace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pid namespace of a pod whose apps share one ({@code --share-pid}), held by a pause
 * process, as podman's infra container holds it: catatonit in pause mode, pid 1 of the pod's
 * pid namespace, reaping whatever an app leaves orphaned there.
 *
 * <p>A pid namespace cannot be held by an nsfs bind mount alone, as the pod's network, IPC and
 * UTS namespaces are ({@link SharedNamespaces}): the mount keeps the namespace object, but once
 * its init (pid 1) has exited the kernel lets no process be born in it any more (fork fails with
 * ENOMEM), so no app could join it again. Making the first app pid 1 would tie the pod to that
 * app: when it exits (a restart, an init app) every other app dies with it. So a process of the
 * pod's own is pid 1: one resident catatonit per pod (about 100 KiB of memory, no CPU), killed
 * when the pod's namespaces are released.
 *
 * <p>The pause process is a host process whose {@code /proc/1/root} every app of the pod can
 * name, so it is spawned from a throw-away platform thread that first gets a mount namespace of
 * its own, in which an empty read-only tmpfs holds nothing but the (static) catatonit binary, and
 * chroots into it: the pause's root is that tmpfs, never the host's. It has no descriptor of jrun's
 * but /dev/null on 0-2, no capability (empty permitted, effective, inheritable and ambient sets,
 * and no_new_privs, so its exec gives none back), and leads a session of its own. It runs in the pod's cgroup's leaf {@value #INFRA} when the pod has a cgroup.
 *
 * <pre>
 * ns/pid        nsfs bind mount of the pause's pid namespace: the apps join it by path
 * ns/pause.pid  the pause's pid and start time
 * ns/pause/     the (host-side empty) directory its tmpfs root is mounted on in its mount namespace
 * </pre>
 */
public final class PodPause {
    /** The pod cgroup's leaf the pause process runs in. */
    public static final String INFRA = "infra";
    private static final String PID_FILE = "pause.pid", ROOT = "pause", NS_FILE = "pid";

    private PodPause() {
    }

    /** catatonit: $JRUN_CATATONIT, else on PATH, else podman's place; IllegalStateException naming the fix if none. */
    public static Path catatonit() {
        String explicit = System.getenv("JRUN_CATATONIT");
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")));
        dirs.add("/usr/libexec/podman");
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "catatonit");
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("--share-pid needs catatonit, which holds the pod's pid namespace:"
                + " apt-get install catatonit (or set JRUN_CATATONIT)");
    }

    /**
     * Starts the pod's pause process in a new pid namespace and bind-mounts that namespace on
     * {@code dir}/pid; puts it in {@code cgroup}/{@value #INFRA} when the pod has a cgroup.
     * Returns the namespace as a {@code linux.namespaces} entry. On failure nothing is left.
     */
    public static Namespace start(Path dir, Path catatonit, Optional<Path> cgroup) throws IOException {
        Path root = Files.createDirectories(dir.resolve(ROOT));
        Path nsFile = dir.resolve(NS_FILE);
        Files.createFile(nsFile);
        long[] pid = {0};
        IOException[] failure = {null};
        Thread spawner = Thread.ofPlatform().name("jrun-pod-pause").unstarted(() -> {
            try (Fd devNull = FileSyscalls.openat(AtFlags.AT_FDCWD, "/dev/null", OpenFlags.O_RDWR | OpenFlags.O_CLOEXEC, 0);
                 Spawn.FileActions actions = new Spawn.FileActions()) {
                // after the chroot this thread cannot load jrun's classes: everything it uses is loaded before
                actions.dup2(devNull.value(), 0).dup2(devNull.value(), 1).dup2(devNull.value(), 2).closeFrom(3);
                for (Class<?> c : new Class<?>[] {ErrnoException.class, Errno.class, Spawn.class, Mounts.class,
                        Capabilities.class, Capabilities.Sets.class}) {
                    Class.forName(c.getName(), true, c.getClassLoader());
                }
                Namespaces.unshare(Namespaces.CLONE_NEWNS); // this thread's own, CLONE_FS implied
                Mounts.mount(null, "/", null, Mounts.MS_REC | Mounts.MS_PRIVATE, null);
                Mounts.mount("jrun-pause", root.toString(), "tmpfs", Mounts.MS_NOSUID | Mounts.MS_NODEV, "size=4k,mode=555");
                Path binary = root.resolve("catatonit");
                Files.createFile(binary);
                Mounts.mount(catatonit.toString(), binary.toString(), null, Mounts.MS_BIND, null);
                Mounts.mount(null, root.toString(), null, Mounts.MS_REMOUNT | Mounts.MS_RDONLY | Mounts.MS_NOSUID
                        | Mounts.MS_NODEV, "size=4k,mode=555");
                Mounts.chroot(root.toString());
                Mounts.chdir("/");
                Namespaces.unshare(Namespaces.CLONE_NEWPID); // its children are born in a new one: the pause is its pid 1
                // no privilege at all: an app that may ptrace (CAP_SYS_PTRACE) finds a root process
                // without capabilities, and no_new_privs keeps an exec from giving any back (the
                // kernel clamps the new permitted set to the old, empty one)
                Capabilities.clearAmbient();
                Capabilities.setNoNewPrivs();
                Capabilities.set(new Capabilities.Sets(0, 0, 0));
                // a session of its own, as conmon's: no terminal's hangup reaches it
                pid[0] = Spawn.spawn("/catatonit", List.of("catatonit", "-P"), List.of(), actions, Spawn.POSIX_SPAWN_SETSID, 0);
            } catch (IOException e) {
                failure[0] = e;
            } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                failure[0] = new IOException(e.toString(), e);
            }
        });
        spawner.start();
        try {
            spawner.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure[0] = new IOException("interrupted while starting the pod's pause process", e);
        }
        try {
            if (failure[0] != null) {
                throw failure[0];
            }
            long startTime = Processes.startTime(pid[0]).orElseThrow(() -> new IOException("it exited at once"));
            Files.writeString(dir.resolve(PID_FILE), pid[0] + " " + startTime + "\n", StandardCharsets.US_ASCII);
            Mounts.mount("/proc/" + pid[0] + "/ns/pid", nsFile.toString(), null, Mounts.MS_BIND, null);
            if (cgroup.isPresent()) {
                Path infra = Files.createDirectories(cgroup.get().resolve(INFRA));
                Files.writeString(infra.resolve("cgroup.procs"), Long.toString(pid[0]));
            }
            return new Namespace(Namespace.PID, nsFile.toString());
        } catch (IOException e) {
            if (pid[0] > 0) {
                kill(pid[0]);
            }
            stop(dir);
            throw new IOException("cannot start the pod's pause process " + catatonit + " for --share-pid: " + e.getMessage(), e);
        }
    }

    /**
     * Kills the pause process (and with it whatever still runs in the pod's pid namespace),
     * unmounts {@code dir}/pid and removes its files. Safe to call again, and without a pause.
     */
    public static void stop(Path dir) throws IOException {
        try {
            String[] recorded = Files.readString(dir.resolve(PID_FILE), StandardCharsets.US_ASCII).strip().split(" ");
            long pid = Long.parseLong(recorded[0]);
            if (Processes.alive(pid, Long.parseLong(recorded[1]))) {
                kill(pid);
            }
        } catch (NoSuchFileException e) {
            // no pause recorded
        }
        try {
            Mounts.umount2(dir.resolve(NS_FILE).toString(), Mounts.MNT_DETACH | Mounts.UMOUNT_NOFOLLOW);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) { // not mounted; not there
                throw e;
            }
        }
        Files.deleteIfExists(dir.resolve(NS_FILE));
        Files.deleteIfExists(dir.resolve(PID_FILE));
        Files.deleteIfExists(dir.resolve(ROOT));
    }

    /** SIGKILL, and reaps it when this JVM started it (a foreground pod's); init reaps it otherwise. */
    private static void kill(long pid) throws IOException {
        try {
            Processes.kill(pid, Processes.SIGKILL);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ESRCH) {
                throw e;
            }
            return;
        }
        if (ProcessHandle.current().children().anyMatch(p -> p.pid() == pid)) {
            try {
                Processes.wait4(pid, 0);
            } catch (ErrnoException e) {
                // reaped meanwhile
            }
        }
    }
}
