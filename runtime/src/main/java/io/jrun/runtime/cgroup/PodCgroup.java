package io.jrun.runtime.cgroup;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Bpf;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.runtime.devices.DeviceProgram;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One pod's cgroup, {@code PARENT/pod-UUID}, and the steps of a launch that use it:
 * <ol>
 * <li>{@link #create}: the directory, with no limits yet, the controllers the limits need
 *     enabled above it;</li>
 * <li>{@link CgroupNamespaces#rootedAt}: a cgroup namespace rooted here, made by a helper
 *     process that moves itself in; jrun itself never enters the pod's cgroup, so no thread of
 *     the JVM (an embedding application's, another launch's) is ever charged to it or bound by
 *     its device policy, and launches may overlap;</li>
 * <li>{@link #applyLimits} and {@link #attachDevices};</li>
 * <li>{@link #place}: the gated app joins it before its gate opens.</li>
 * </ol>
 * The app thus runs in the pod's cgroup from its first instruction and sees that cgroup as "/".
 */
public record PodCgroup(Path dir, List<CgroupSettings.Setting> settings) {

    /** Accounting controllers enabled for every pod when the parent offers them (usage in jrun status). */
    private static final List<String> ACCOUNTING = List.of("memory", "pids", "cpu");

    /**
     * Makes the pod's cgroup under {@code parent}. Fails when a controller the limits need is not
     * available, naming it and the hierarchy; leaves nothing behind on failure.
     */
    public static PodCgroup create(CgroupParent parent, String name, List<CgroupSettings.Setting> settings)
            throws CgroupException {
        Path root = parent.hierarchy().mountPoint();
        Set<String> available;
        try {
            available = parent.delegated() ? CgroupFiles.words(parent.dir().resolve("cgroup.controllers"))
                    : parent.hierarchy().controllers();
        } catch (IOException e) {
            throw new CgroupException("cannot read the cgroup v2 controllers at " + root + ": " + CgroupFiles.reason(e), e);
        }
        Set<String> required = CgroupSettings.controllers(settings);
        for (CgroupSettings.Setting s : settings) {
            if (!available.contains(s.controller()) && required.contains(s.controller())) {
                throw new CgroupException(s.controller() + " controller not available in cgroup v2 at "
                        + (parent.delegated() ? parent.dir() : root) + " (it has: "
                        + (available.isEmpty() ? "none" : String.join(" ", available)) + "): "
                        + CgroupSettings.describe(s.origin()) + " needs it; drop " + CgroupSettings.what(s.origin())
                        + ", or run on a host whose cgroup v2 has it"
                        + (parent.delegated() ? " (delegate it to the unit: Delegate=yes or Delegate=" + s.controller() + ")" : ""));
            }
        }
        Set<String> wanted = new LinkedHashSet<>(required);
        for (String c : ACCOUNTING) {
            if (available.contains(c)) {
                wanted.add(c);
            }
        }
        if (parent.delegated()) {
            leaveUnitRoot(parent);
        }
        // controllers are enabled top-down; a delegated unit's are enabled in the unit only
        List<Path> chain = new ArrayList<>();
        for (Path p = parent.dir(); p != null && p.startsWith(root); p = parent.delegated() ? null : p.getParent()) {
            chain.addFirst(p);
        }
        for (Path p : chain) {
            makeDirectory(p, false);
            enable(p, wanted, required);
        }
        Path dir = parent.dir().resolve(name);
        makeDirectory(dir, true);
        return new PodCgroup(dir, List.copyOf(settings));
    }

    /** The pod's cgroup as recorded, for jrun status and gc (its limits are not needed there). */
    public static PodCgroup at(Path dir) {
        return new PodCgroup(dir, List.of());
    }

    /** Writes the limits; the first that fails ends it, naming the option and the kernel's reason. */
    public void applyLimits() throws CgroupException {
        for (CgroupSettings.Setting s : settings) {
            Path file = dir.resolve(s.file());
            String what = CgroupSettings.describe(s.origin());
            try {
                CgroupFiles.write(file, s.value());
            } catch (NoSuchFileException e) {
                throw new CgroupException("cannot apply " + what + ": " + file + " does not exist (the kernel lacks "
                        + s.file() + "); drop " + CgroupSettings.what(s.origin()), e);
            } catch (IOException e) {
                throw new CgroupException("cannot apply " + what + ": writing '" + s.value() + "' to " + file
                        + " failed: " + CgroupFiles.reason(e), e);
            }
        }
    }

    /**
     * Loads the pod's device program and attaches it to the cgroup: from now on the kernel asks
     * it about every open and mknod of a device node by a task in the cgroup. Attached with
     * BPF_F_ALLOW_MULTI, as runc and systemd do: a program a task in the pod attaches to a cgroup
     * below (it would need CAP_SYS_ADMIN or CAP_BPF, and seccomp's leave to call bpf) runs in
     * addition to this one and can only deny more, never replace it; and programs on the
     * cgroups above (systemd's DeviceAllow=) keep applying too. The cgroup is new and jrun's, so
     * nothing is attached there yet and nothing needs replacing.
     */
    public void attachDevices(DeviceProgram program) throws CgroupException {
        Fd cgroup;
        try {
            cgroup = FileSyscalls.openat(AtFlags.AT_FDCWD, dir.toString(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY
                    | OpenFlags.O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            throw new CgroupException("cannot open the pod's cgroup " + dir + ": " + Errno.message(e.errno())
                    + " (" + e.errnoName() + ")", e);
        }
        Fd loaded = null;
        try {
            loaded = Bpf.loadCgroupDeviceProgram(program.encoded(), "Apache-2.0", "jrun_devices");
            Bpf.attachCgroupDevice(cgroup.value(), loaded.value(), Bpf.BPF_F_ALLOW_MULTI);
        } catch (Bpf.LoadException e) {
            throw new CgroupException("cannot load the pod's device program into the kernel: " + e.getMessage()
                    + (e.errno() == Errno.EPERM ? ": jrun needs CAP_BPF or CAP_SYS_ADMIN (run it as root)"
                    : ": the kernel needs cgroup BPF (CONFIG_CGROUP_BPF), or run with --privileged"), e);
        } catch (ErrnoException e) {
            throw new CgroupException("cannot attach the pod's device program to its cgroup " + dir + ": "
                    + Errno.message(e.errno()) + " (" + e.errnoName() + ")"
                    + (e.errno() == Errno.EPERM ? ": a device program on a cgroup above it was attached without flags"
                    + " (neither ALLOW_MULTI nor ALLOW_OVERRIDE) and forbids programs below; choose another --cgroup-parent"
                    : ""), e);
        } finally {
            if (loaded != null) {
                loaded.closeQuietly(); // the attachment holds the program
            }
            cgroup.closeQuietly();
        }
    }

    /** Moves process {@code pid} (the gated app) into the pod's cgroup. */
    public void place(long pid) throws CgroupException {
        try {
            CgroupFiles.write(dir.resolve("cgroup.procs"), Long.toString(pid));
        } catch (IOException e) {
            throw new CgroupException("cannot put the container's process into " + dir + ": " + CgroupFiles.reason(e), e);
        }
    }

    /** How many processes the OOM killer killed in the pod (memory.events oom_kill); 0 without the memory controller. */
    public long oomKills() throws IOException {
        return CgroupFiles.keyed(dir.resolve("memory.events"), "oom_kill").orElse(0);
    }

    public CgroupUsage usage() throws IOException {
        return new CgroupUsage(CgroupFiles.number(dir.resolve("memory.current")),
                CgroupFiles.keyed(dir.resolve("cpu.stat"), "usage_usec"),
                CgroupFiles.number(dir.resolve("pids.current")));
    }

    public boolean exists() {
        return Files.isDirectory(dir);
    }

    /**
     * Removes the cgroup once nothing runs in it: whatever is left is killed (cgroup.kill), and
     * rmdir waits for the kernel to finish reaping (cgroup.events "populated 0"). Returns false
     * if it still could not be removed after {@code waitMillis} (jrun gc tries again).
     */
    public boolean remove(long waitMillis) throws IOException {
        if (!exists()) {
            return true;
        }
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        boolean killed = false;
        while (true) {
            try {
                Files.deleteIfExists(dir);
                return true;
            } catch (DirectoryNotEmptyException e) {
                throw new IOException("cannot remove " + dir + ": it has child cgroups", e);
            } catch (FileSystemException e) {
                // EBUSY: processes are still in it (dying ones are reaped shortly)
                if (!killed && CgroupFiles.keyed(dir.resolve("cgroup.events"), "populated").orElse(0) == 1) {
                    kill();
                    killed = true;
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                sleep();
            }
        }
    }

    /**
     * Removes the cgroup and every cgroup below it, the deepest first, killing whatever runs in
     * any of them (cgroup.kill reaches the whole subtree). Returns false if one could still not
     * be removed after {@code waitMillis} each (jrun gc tries again).
     */
    public boolean removeTree(long waitMillis) throws IOException {
        if (!exists()) {
            return true;
        }
        if (CgroupFiles.keyed(dir.resolve("cgroup.events"), "populated").orElse(0) == 1) {
            kill();
        }
        List<Path> children;
        try (var entries = Files.list(dir)) {
            children = entries.filter(Files::isDirectory).toList();
        } catch (NoSuchFileException e) {
            return true;
        }
        for (Path child : children) {
            if (!new PodCgroup(child, List.of()).removeTree(waitMillis)) {
                return false;
            }
        }
        return remove(waitMillis);
    }

    /** rmdir if nothing runs in it (a cgroup jrun did not record: another state directory's pod may own it). */
    public boolean removeIfEmpty() throws IOException {
        try {
            Files.deleteIfExists(dir);
            return true;
        } catch (FileSystemException e) {
            return false;
        }
    }

    /** SIGKILL to everything in the cgroup (cgroup.kill, Linux 5.14+). */
    public void kill() throws IOException {
        Path kill = dir.resolve("cgroup.kill");
        if (Files.exists(kill)) {
            CgroupFiles.write(kill, "1");
        }
    }

    /**
     * cgroup v2's no-internal-process rule: a cgroup with processes cannot enable controllers
     * for its children. In a delegated unit jrun (and whatever else runs in the unit's root:
     * a wrapper shell, say) moves to the leaf "supervisor" first.
     */
    private static void leaveUnitRoot(CgroupParent parent) throws CgroupException {
        Path unit = parent.dir();
        Path supervisor = parent.home();
        makeDirectory(supervisor, false);
        try {
            for (String pid : Files.readAllLines(unit.resolve("cgroup.procs"))) {
                try {
                    CgroupFiles.write(supervisor.resolve("cgroup.procs"), pid);
                } catch (IOException e) {
                    if (Files.exists(Path.of("/proc", pid))) {
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw new CgroupException("cannot move the unit's processes from " + unit + " to " + supervisor + ": "
                    + CgroupFiles.reason(e), e);
        }
    }

    private static void enable(Path cgroup, Set<String> wanted, Set<String> required) throws CgroupException {
        try {
            Set<String> enabled = CgroupFiles.words(cgroup.resolve("cgroup.subtree_control"));
            for (String c : wanted) {
                if (enabled.contains(c)) {
                    continue;
                }
                try {
                    CgroupFiles.write(cgroup.resolve("cgroup.subtree_control"), "+" + c);
                } catch (IOException e) {
                    if (required.contains(c)) {
                        throw new CgroupException("cannot enable the " + c + " controller in " + cgroup + ": "
                                + CgroupFiles.reason(e) + (CgroupFiles.reason(e).contains("busy")
                                ? " (processes in it: cgroup v2 allows controllers only for leaf-only parents; choose another --cgroup-parent)"
                                : ""), e);
                    }
                    // accounting only: the pod runs without it
                }
            }
        } catch (IOException e) {
            throw new CgroupException("cannot read " + cgroup.resolve("cgroup.subtree_control") + ": " + CgroupFiles.reason(e), e);
        }
    }

    private static void makeDirectory(Path dir, boolean mustBeNew) throws CgroupException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (mustBeNew) {
                throw new CgroupException("the cgroup " + dir + " exists already", e);
            }
        } catch (IOException e) {
            throw new CgroupException("cannot create the cgroup " + dir + ": " + CgroupFiles.reason(e), e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
