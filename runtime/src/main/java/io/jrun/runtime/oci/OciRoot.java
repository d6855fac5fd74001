package io.jrun.runtime.oci;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Locks;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;
import io.jrun.runtime.spec.Spec;
import io.jrun.runtime.spec.SpecFormatException;
import io.jrun.runtime.spec.SpecJson;
import io.jrun.runtime.spec.State;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * jrun-oci's state directory: one directory per container, root's alone (0700).
 * <pre>
 * ROOT/ID/lock             flock: held exclusively by create, start and delete
 * ROOT/ID/config.json      the bundle's configuration as create read it (hooks, seccomp for exec)
 * ROOT/ID/container.json   {@link ContainerRecord}: written once the process exists, before it runs
 * ROOT/ID/gate/exec.fifo   while the process waits to be started
 * </pre>
 */
public final class OciRoot {
    /** The default --root, on tmpfs: nothing of a container outlives a reboot, as with runc. */
    public static final Path DEFAULT = Path.of("/run/jrun-oci");
    /** runc's rule for IDs. */
    private static final Pattern ID = Pattern.compile("[\\w+\\-.]+");
    static final String RECORD = "container.json";
    static final String CONFIG = "config.json";
    static final String GATE = "gate";

    private final Path root;

    private OciRoot(Path root) {
        this.root = root;
    }

    /** Opens (making it, mode 0700) the state directory. */
    public static OciRoot open(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        Files.createDirectories(absolute);
        Files.setPosixFilePermissions(absolute, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return new OciRoot(absolute);
    }

    public Path path() {
        return root;
    }

    /** Refuses an ID that is not runc's {@code [\w+-.]+} (no path can be made of it). */
    public static void checkId(String id) {
        if (id == null || !ID.matcher(id).matches() || id.equals(".") || id.equals("..") || id.length() > 1024) {
            throw new IllegalArgumentException("invalid container ID \"" + id
                    + "\": use letters, digits, '_', '+', '-' and '.'");
        }
    }

    Path dir(String id) {
        checkId(id);
        return root.resolve(id);
    }

    /** The container directory, which must exist. */
    Path existing(String id) throws OciException {
        Path dir = dir(id);
        if (!Files.isDirectory(dir)) {
            throw new OciException("container " + id + " does not exist: jrun-oci list shows the containers of " + root);
        }
        return dir;
    }

    /** Holds the container's lock until closed. */
    static Fd lock(Path dir) throws IOException {
        Fd fd = FileSyscalls.openat(AtFlags.AT_FDCWD, dir.resolve("lock").toString(), OpenFlags.O_RDWR | OpenFlags.O_CREAT
                | OpenFlags.O_CLOEXEC, 0600);
        try {
            Locks.lock(fd.value(), Locks.LOCK_EX);
            return fd;
        } catch (ErrnoException e) {
            fd.close();
            throw e;
        }
    }

    Optional<ContainerRecord> record(String id) throws IOException {
        try {
            return Optional.of(ContainerRecord.fromJson(Files.readAllBytes(dir(id).resolve(RECORD))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The configuration create read. */
    Spec config(String id) throws IOException, OciException {
        try {
            return SpecJson.read(Files.readAllBytes(existing(id).resolve(CONFIG)));
        } catch (NoSuchFileException e) {
            throw new OciException("container " + id + " has no configuration: it was never fully created; delete it");
        } catch (SpecFormatException e) {
            throw new OciException("container " + id + "'s saved configuration is damaged: " + e.getMessage());
        }
    }

    /** What the container is now, read from the kernel. */
    public ContainerStatus status(String id) throws IOException, OciException {
        Path dir = existing(id);
        Optional<ContainerRecord> record = record(id);
        if (record.isEmpty()) {
            return ContainerStatus.CREATING;
        }
        ContainerRecord r = record.get();
        if (!Processes.alive(r.pid(), r.startTime())) {
            return ContainerStatus.STOPPED;
        }
        return inGate(dir, r.pid()) ? ContainerStatus.CREATED : ContainerStatus.RUNNING;
    }

    /** Still in its gate: the FIFO is there and the process's working directory is the gate's. */
    private static boolean inGate(Path dir, long pid) {
        Path gate = dir.resolve(GATE);
        if (!Files.exists(gate.resolve(io.jrun.runtime.launch.Gate.FIFO_NAME))) {
            return false;
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")).equals(gate);
        } catch (IOException e) {
            return false;
        }
    }

    /** The runtime-spec state of a container. */
    public State state(String id) throws IOException, OciException {
        ContainerStatus status = status(id);
        Optional<ContainerRecord> record = record(id);
        Spec spec = status == ContainerStatus.CREATING ? null : configOrNull(id);
        long pid = record.isPresent() && status != ContainerStatus.STOPPED ? record.get().pid() : 0;
        String bundle = record.map(ContainerRecord::bundle).orElse("");
        return new State(Spec.OCI_VERSION, id, status.specName(), pid, bundle,
                spec == null ? java.util.Map.of() : spec.annotations());
    }

    private Spec configOrNull(String id) {
        try {
            return config(id);
        } catch (IOException | OciException e) {
            return null;
        }
    }

    /** Every container's ID, sorted. */
    public List<String> ids() throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && !name.startsWith(".") && ID.matcher(name).matches()) {
                    ids.add(p.getFileName().toString());
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    /** The container's own process (its configuration's), a template for exec. */
    public io.jrun.runtime.spec.Process containerProcess(String id) throws IOException, OciException {
        return config(id).requireProcess();
    }

    /** The pids of the container's processes (its cgroup's; its process alone without one). */
    public List<Long> pids(String id) throws IOException, OciException {
        existing(id);
        Optional<ContainerRecord> record = record(id);
        return record.isEmpty() ? List.of() : Kill.pids(record.get());
    }

    /** The container's record, which a created container has. */
    ContainerRecord requireRecord(String id) throws IOException, OciException {
        return record(id).orElseThrow(() -> new OciException("container " + id
                + " is still being created (or its create died): wait, or delete it"));
    }
}
