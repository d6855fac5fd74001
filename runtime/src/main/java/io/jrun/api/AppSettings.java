package io.jrun.api;

import io.jrun.runtime.cgroup.CgroupLimits;
import io.jrun.runtime.prepare.MountSpec;
import io.jrun.runtime.prepare.RunRequest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one container runs and with what: the settings a {@link ContainerBuilder} and a pod's
 * {@link App} share. Each setter checks its input at once and throws an
 * IllegalArgumentException naming the bad value and the fix, so a mistake shows where it is
 * made, not at {@code start()}.
 *
 * <pre>{@code
 * jrun.container("busybox")
 *         .command("sh", "-c", "echo $GREETING > /data/out")
 *         .env("GREETING", "hello")
 *         .volume(Path.of("/srv/out"), "/data", VolumeMode.READ_WRITE)
 *         .memory("64m").cpus(0.5);
 * }</pre>
 *
 * @param <T> the builder's own type, which every setter returns
 */
public abstract sealed class AppSettings<T extends AppSettings<T>> permits ContainerBuilder, App {
    /** The smallest memory limit the kernel lets a pod start with, as docker's. */
    private static final long MIN_MEMORY = 6L << 20;

    final String image;
    private List<String> command = List.of();
    private String entrypoint;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String workingDir;
    private String user;
    private final List<MountSpec> mounts = new ArrayList<>();
    private final List<String> volumesAsTyped = new ArrayList<>();
    private boolean readOnlyRootfs;
    private Long memory;
    private Double cpus;
    private Long pidsLimit;

    AppSettings(String image) {
        Objects.requireNonNull(image, "image");
        if (image.isBlank()) {
            throw new IllegalArgumentException("the image name is empty: give one such as \"busybox\" or \"oci:/path/layout:tag\"");
        }
        this.image = image;
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /**
     * The command and its arguments, instead of the image's Cmd (its Entrypoint, if any, still
     * runs them, as {@code docker run IMAGE ARGS}).
     *
     * <pre>{@code .command("echo", "hello")}</pre>
     *
     * @throws IllegalArgumentException when no argument is given or the program is empty
     */
    public T command(String... command) {
        return command(List.of(command));
    }

    /**
     * As {@link #command(String...)}, from a list.
     *
     * <pre>{@code .command(List.of("sh", "-c", "exit 3"))}</pre>
     */
    public T command(List<String> command) {
        List<String> copy = List.copyOf(command);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("the command is empty: give a program and its arguments,"
                    + " or leave command() out for the image's own");
        }
        if (copy.getFirst().isBlank()) {
            throw new IllegalArgumentException("the command's program is empty: give its name or absolute path");
        }
        this.command = copy;
        return self();
    }

    /**
     * Replaces the image's Entrypoint ({@code ""} clears it, so the command runs by itself).
     *
     * <pre>{@code .entrypoint("").command("ls", "/")}</pre>
     */
    public T entrypoint(String entrypoint) {
        this.entrypoint = Objects.requireNonNull(entrypoint, "entrypoint");
        return self();
    }

    /**
     * Sets an environment variable over the image's (a later call for the same name wins).
     *
     * <pre>{@code .env("LANG", "C.UTF-8")}</pre>
     *
     * @throws IllegalArgumentException when the name is empty or holds '='
     */
    public T env(String name, String value) {
        Objects.requireNonNull(value, "value");
        if (name == null || name.isEmpty() || name.indexOf('=') >= 0) {
            throw new IllegalArgumentException("invalid environment variable name '" + name
                    + "': give a non-empty name without '='");
        }
        env.put(name, value);
        return self();
    }

    /**
     * The working directory inside the container, instead of the image's.
     *
     * <pre>{@code .workingDir("/tmp")}</pre>
     *
     * @throws IllegalArgumentException when it is not absolute
     */
    public T workingDir(String path) {
        this.workingDir = checkContainerPath("working directory", path);
        return self();
    }

    /**
     * The user, as {@code USER[:GROUP]} (names or numbers, from the image's /etc/passwd and
     * /etc/group), instead of the image's.
     *
     * <pre>{@code .user("nobody")}</pre>
     */
    public T user(String user) {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("the user is empty: give a name or number, as \"1000\" or \"app:app\"");
        }
        this.user = user;
        return self();
    }

    /**
     * Binds a host directory or file into the container, as {@code -v host:container[:ro]}.
     *
     * <pre>{@code .volume(Path.of("/srv/config"), "/etc/app", VolumeMode.READ_ONLY)}</pre>
     *
     * @throws IllegalArgumentException when the host path is relative or the container path is not absolute
     */
    public T volume(Path hostPath, String containerPath, VolumeMode mode) {
        Objects.requireNonNull(hostPath, "hostPath");
        Objects.requireNonNull(mode, "mode");
        if (!hostPath.isAbsolute()) {
            throw new IllegalArgumentException("volume host path '" + hostPath
                    + "' is relative: give an absolute path (Path.toAbsolutePath())");
        }
        String target = checkContainerPath("volume container path", containerPath);
        boolean readOnly = mode == VolumeMode.READ_ONLY;
        mounts.add(new MountSpec.Bind(hostPath, target, readOnly));
        volumesAsTyped.add("-v " + hostPath + ":" + target + (readOnly ? ":ro" : ""));
        return self();
    }

    /**
     * Mounts the image's root file system read-only, as {@code --read-only}.
     *
     * <pre>{@code .readOnlyRootfs()}</pre>
     */
    public T readOnlyRootfs() {
        this.readOnlyRootfs = true;
        return self();
    }

    /**
     * Limits the container's memory (its cgroup's memory.max), as {@code --memory}: bytes, or
     * a number with a b, k, m or g suffix (powers of 1024). Needs cgroup v2 with the memory
     * controller.
     *
     * <pre>{@code .memory("64m")}</pre>
     *
     * @throws IllegalArgumentException when it is not a size, or below 6m
     */
    public T memory(String size) {
        Objects.requireNonNull(size, "size");
        long bytes = CgroupLimits.parseBytes("memory", size);
        if (bytes < MIN_MEMORY) {
            throw new IllegalArgumentException("memory '" + size + "' is too small: the minimum is 6m");
        }
        this.memory = bytes;
        return self();
    }

    /**
     * Limits the container's CPU time, as {@code --cpus}: 0.5 is 50 ms every 100 ms.
     *
     * <pre>{@code .cpus(0.5)}</pre>
     *
     * @throws IllegalArgumentException when below 0.01 or not a number
     */
    public T cpus(double cpus) {
        if (!(cpus >= 0.01) || Double.isInfinite(cpus)) {
            throw new IllegalArgumentException("cpus must be at least 0.01, not " + cpus);
        }
        this.cpus = cpus;
        return self();
    }

    /**
     * Limits how many processes the container may have at once, as {@code --pids-limit}.
     *
     * <pre>{@code .pidsLimit(64)}</pre>
     *
     * @throws IllegalArgumentException when below 1
     */
    public T pidsLimit(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("pidsLimit must be at least 1, not " + limit);
        }
        this.pidsLimit = limit;
        return self();
    }

    private static String checkContainerPath(String what, String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException(what + " '" + path + "' is not absolute: give a path inside the container"
                    + " starting with '/'");
        }
        return path;
    }

    /** The engine's request for these settings, with the image as the store names it. */
    RunRequest.Builder request(String storedImage) {
        List<String> entries = new ArrayList<>();
        env.forEach((k, v) -> entries.add(k + "=" + v));
        CgroupLimits limits = memory == null && cpus == null && pidsLimit == null ? CgroupLimits.NONE
                : new CgroupLimits(memory, null, cpus, null, pidsLimit, null, null);
        return RunRequest.builder(storedImage).command(command).entrypoint(entrypoint).env(entries)
                .workingDir(workingDir).user(user).mounts(mounts, volumesAsTyped).readOnly(readOnlyRootfs).limits(limits);
    }
}
