package io.jrun.runtime.prepare;

import io.jrun.images.oci.ImageConfig;
import io.jrun.linux.ErrnoException;
import io.jrun.runtime.seccomp.SeccompCache;
import io.jrun.runtime.seccomp.SeccompOption;
import io.jrun.runtime.seccomp.SeccompProfile;
import io.jrun.runtime.seccomp.SeccompProfileException;
import io.jrun.runtime.seccomp.SeccompSpecs;
import io.jrun.runtime.seccomp.SeccompTarget;
import io.jrun.runtime.spec.Annotations;
import io.jrun.runtime.spec.CapabilityNames;
import io.jrun.runtime.spec.CapabilitySets;
import io.jrun.runtime.spec.ConsoleSize;
import io.jrun.runtime.spec.Device;
import io.jrun.runtime.spec.DeviceRule;
import io.jrun.runtime.devices.DeviceMapping;
import io.jrun.runtime.spec.Linux;
import io.jrun.runtime.spec.Mount;
import io.jrun.runtime.spec.Namespace;
import io.jrun.runtime.net.PodNetwork;
import io.jrun.runtime.net.ResolvConf;
import io.jrun.runtime.spec.Process;
import io.jrun.runtime.spec.Resources;
import io.jrun.runtime.spec.Root;
import io.jrun.runtime.spec.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * rkt's prepare stage for {@code jrun run}: an image's config and the user's options become the
 * container's OCI configuration, which the launch engine takes as it takes any bundle's. What
 * the configuration says is all the launch does; docker's defaults live here:
 * <ul>
 * <li>the overlay of the image's layers on /, with the pod's upper and work directories;</li>
 * <li>/proc, a /dev tmpfs with devpts, /dev/shm and /dev/mqueue, a read-only /sys and
 *     /sys/fs/cgroup, and /etc/hostname, /etc/hosts and /etc/resolv.conf bound from files in the
 *     pod's directory;</li>
 * <li>new pid, mount, IPC, UTS, cgroup and (unless {@code --net=host}) network namespaces;</li>
 * <li>podman's capabilities, no_new_privs, docker's seccomp profile (its rules for this
 *     container's capabilities and this machine), runc's masked and read-only paths;</li>
 * <li>the user's volumes, tmpfs mounts and limits.</li>
 * </ul>
 * The image's {@code USER} is resolved in the image itself when the container is created
 * ({@link Annotations#USER}).
 */
public final class SpecPreparer {
    private SpecPreparer() {
    }

    /** podman's default capabilities: no MKNOD, NET_RAW or AUDIT_WRITE. */
    public static final List<String> DEFAULT_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID",
            "CAP_SYS_CHROOT");

    /** The files of the pod's directory bound onto the container's /etc. */
    public static final String ETC_DIR = "etc";

    /**
     * What a pod's configuration is made from.
     *
     * @param uuid        the pod's UUID
     * @param hostname    the container's host name
     * @param imageName   the image's name in the store
     * @param image       the image's config
     * @param layers      the image's unpacked layers, lowest first
     * @param podDir      the pod's directory, the bundle: the /etc files are written there, and its
     *                    paths appear relative to it in the configuration
     * @param upperDir    the container's writable layer
     * @param workDir     overlayfs' work directory
     * @param rootfs      the overlay's mount point
     * @param request     the user's options
     * @param available   the capabilities jrun holds, which no container can exceed
     * @param consoleSize the terminal's initial size with {@code -t}, or null
     * @param cgroup2     a cgroup v2 hierarchy exists (the container gets a cgroup, and /sys/fs/cgroup)
     * @param seccompCache where the resolved rules of a seccomp profile are kept between runs
     */
    public record Inputs(String uuid, String hostname, String imageName, ImageConfig image, List<Path> layers,
                         Path podDir, Path upperDir, Path workDir, Path rootfs, RunRequest request, long available,
                         ConsoleSize consoleSize, boolean cgroup2, SeccompCache seccompCache) {
    }

    /** The configuration; writes the pod's /etc files. IllegalArgumentException for bad options. */
    public static Spec prepare(Inputs in) throws IOException {
        RunRequest request = in.request();
        EffectiveConfig config = EffectiveConfig.of(in.image(), request, in.hostname());
        SecurityOptions security = request.security();
        long capabilities = security.capabilities(CapabilityNames.set(DEFAULT_CAPABILITIES), in.available());
        ContainerHardening hardening = security.hardening();
        List<String> caps = CapabilityNames.names(capabilities);

        Process process = Process.builder()
                .terminal(request.terminal())
                .consoleSize(request.terminal() ? in.consoleSize() : null)
                .args(config.argv())
                .env(config.env())
                .cwd(config.workingDir())
                .capabilities(CapabilitySets.of(caps))
                .noNewPrivileges(hardening.noNewPrivileges())
                .build();
        if (config.argv().isEmpty() || config.argv().getFirst().isEmpty()) {
            throw new IllegalArgumentException("no command to run: the image has no Entrypoint or Cmd; give one after --");
        }

        Spec.Builder spec = Spec.builder()
                .process(process)
                .root(new Root(in.podDir().relativize(in.rootfs()).toString(), request.readOnly()))
                // a joined UTS namespace (a pod's of several apps) has its host name already; the
                // OCI spec wants a hostname only with a new one
                .hostname(request.joinNamespaces().stream().anyMatch(n -> n.type().equals(Namespace.UTS))
                        ? null : in.hostname())
                .annotation(Annotations.POD, in.uuid())
                .annotation(Annotations.IMAGE, in.imageName())
                .annotation(Annotations.STOP_SIGNAL, config.stopSignal());
        // always, "" (root) too: docker resolves root in the image as well (HOME, groups=0(root))
        spec.annotation(Annotations.USER, config.user());
        for (Mount m : mounts(in, hardening)) {
            spec.mount(m);
        }

        Linux.Builder linux = defaultLinux(in.cgroup2(), request.network().isHost(), request.joinNamespaces())
                .maskedPaths(hardening.maskedPaths())
                .readonlyPaths(hardening.readOnlyPaths())
                .cgroupsPath(request.cgroupParent() == null ? "pod-" + in.uuid()
                        : "/" + request.cgroupParent().replaceAll("^/+|/+$", "") + "/pod-" + in.uuid());
        Resources.Builder resources = request.limits().toResources().toBuilder();
        // podman's first rule: every device denied; the launch adds the default allow-list after
        // the rules (DevicePolicy.of), --privileged allows all, --device allows its node
        resources.device(new DeviceRule(hardening.hostDevices(), "a", null, null, "rwm"));
        List<Device> nodes = new ArrayList<>();
        if (hardening.hostDevices()) {
            try {
                nodes.addAll(HostDevices.list());
            } catch (ErrnoException e) {
                throw new IOException("cannot list the host's devices for --privileged: " + e.getMessage(), e);
            }
        }
        for (DeviceMapping d : request.devices()) {
            Device n = d.node();
            nodes.removeIf(host -> host.path().equals(n.path()));
            nodes.add(n);
            resources.device(DeviceRule.allow(n.type(), n.major(), n.minor(), d.access()));
        }
        linux.devices(nodes);
        linux.resources(resources.build());
        SeccompOption seccomp = security.seccomp(request.seccomp());
        try {
            in.seccompCache().resolve(seccomp, SeccompTarget.thisMachine(capabilities, hardening.noNewPrivileges()))
                    .ifPresent(linux::seccomp);
        } catch (SeccompProfileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return spec.linux(linux.build()).build();
    }

    /**
     * The mounts every container of an image gets, as docker's: the overlay of {@code layers}
     * (lowest first) on /, /proc, /dev with devpts, shm and mqueue, /sys (read-only unless
     * {@code writableSysfs}) and, with {@code cgroup2}, a read-only /sys/fs/cgroup.
     */
    public static List<Mount> defaultMounts(List<Path> layers, Path upperDir, Path workDir, boolean writableSysfs,
                                            boolean cgroup2) {
        List<Mount> mounts = new ArrayList<>();
        List<String> lower = new ArrayList<>();
        for (Path layer : layers.reversed()) { // overlayfs lists the uppermost first
            lower.add(escape(layer.toString()));
        }
        mounts.add(new Mount("/", "overlay", "overlay", List.of("lowerdir=" + String.join(":", lower),
                "upperdir=" + escape(upperDir.toString()), "workdir=" + escape(workDir.toString()))));
        mounts.add(new Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        mounts.add(new Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        mounts.add(new Mount("/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620", "gid=5")));
        mounts.add(new Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
        mounts.add(new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
        mounts.add(new Mount("/sys", "sysfs", "sysfs", writableSysfs ? List.of("nosuid", "noexec", "nodev")
                : List.of("nosuid", "noexec", "nodev", "ro")));
        if (cgroup2) {
            mounts.add(new Mount("/sys/fs/cgroup", "cgroup2", "cgroup2", List.of("nosuid", "noexec", "nodev", "ro")));
        }
        return mounts;
    }

    /**
     * docker's namespaces (pid, IPC, UTS, mount; cgroup with {@code cgroup2}; network unless
     * {@code hostNetwork}) and runc's masked and read-only paths.
     */
    public static Linux.Builder defaultLinux(boolean cgroup2, boolean hostNetwork) {
        return defaultLinux(cgroup2, hostNetwork, List.of());
    }

    /**
     * As {@link #defaultLinux(boolean, boolean)}, where a namespace of {@code joined}'s types is
     * joined by its path instead of made: an app of a pod of several apps joins the pod's network,
     * IPC and UTS namespaces.
     */
    public static Linux.Builder defaultLinux(boolean cgroup2, boolean hostNetwork, List<Namespace> joined) {
        Linux.Builder linux = Linux.builder()
                .maskedPaths(ContainerHardening.DEFAULT_MASKED)
                .readonlyPaths(ContainerHardening.DEFAULT_READ_ONLY);
        List<String> types = new java.util.ArrayList<>(List.of(Namespace.PID, Namespace.IPC, Namespace.UTS, Namespace.MOUNT));
        if (cgroup2) {
            types.add(Namespace.CGROUP);
        }
        if (!hostNetwork) {
            types.add(Namespace.NETWORK);
        }
        for (String type : types) {
            linux.namespace(joined.stream().filter(n -> n.type().equals(type)).findFirst().orElse(Namespace.of(type)));
        }
        return linux;
    }

    /** docker's default mounts, the pod's /etc files, then the user's volumes and tmpfs mounts. */
    private static List<Mount> mounts(Inputs in, ContainerHardening hardening) throws IOException {
        RunRequest request = in.request();
        // the pod's own paths relative to the bundle (the pod's directory, which moves from phase
        // to phase): config.json stays true wherever the pod is
        List<Mount> mounts = defaultMounts(in.layers(), in.podDir().relativize(in.upperDir()),
                in.podDir().relativize(in.workDir()), hardening.writableSysfs(), in.cgroup2());
        Path etc = in.podDir().resolve(ETC_DIR);
        Files.createDirectories(etc);
        write(etc.resolve("hostname"), in.hostname() + "\n");
        java.util.Optional<PodNetwork.Attached> attached = attachment(request);
        String ip = attached.map(PodNetwork.Attached::ip).orElse(null);
        write(etc.resolve("hosts"), "127.0.0.1\tlocalhost" + (ip == null ? " " + in.hostname() : "") + "\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n"
                + (ip == null ? "" : ip + "\t" + in.hostname() + "\n"));
        mounts.add(new Mount("/etc/hostname", "bind", ETC_DIR + "/hostname", List.of("rbind", "rprivate")));
        mounts.add(new Mount("/etc/hosts", "bind", ETC_DIR + "/hosts", List.of("rbind", "rprivate")));
        String resolvConf = attached.isPresent() ? ResolvConf.forPod(attached.get(), hostResolvConf()) : hostResolvConf();
        if (resolvConf != null) {
            write(etc.resolve("resolv.conf"), resolvConf);
            mounts.add(new Mount("/etc/resolv.conf", "bind", ETC_DIR + "/resolv.conf", List.of("rbind", "rprivate")));
        }
        if (request.readOnly()) {
            // podman's --read-only-tmpfs: the places programs expect to write, with what the image
            // has there copied up (its owner and mode too); a user's own mount there replaces it
            for (String target : new String[] {"/run", "/tmp", "/var/tmp"}) {
                if (request.mounts().stream().noneMatch(m -> m.target().equals(target))) {
                    mounts.add(new Mount(target, "tmpfs", "tmpfs", List.of("rw", "exec", "nosuid", "nodev", "tmpcopyup")));
                }
            }
        }
        for (MountSpec m : request.mounts()) {
            switch (m) {
                case MountSpec.Bind b -> mounts.add(new Mount(b.target(), "bind", b.source().toString(),
                        b.readOnly() ? List.of("rbind", "rprivate", "ro") : List.of("rbind", "rprivate")));
                case MountSpec.Tmpfs t -> {
                    List<String> options = new ArrayList<>();
                    options.add(t.readOnly() ? "ro" : "rw");
                    options.add(t.noExec() ? "noexec" : "exec");
                    options.add(t.noSuid() ? "nosuid" : "suid");
                    options.add(t.noDev() ? "nodev" : "dev");
                    options.addAll(t.options());
                    if (t.copyUp()) {
                        options.add("tmpcopyup");
                    }
                    mounts.add(new Mount(t.target(), "tmpfs", "tmpfs", options));
                }
            }
        }
        return mounts;
    }

    /** overlayfs' escapes in a path of its option string: ':' ',' and '\'. */
    static String escape(String path) {
        return path.replace("\\", "\\\\").replace(":", "\\:").replace(",", "\\,");
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /**
     * The CNI attachment of the network namespace the app joins (a pod's on a CNI network),
     * recorded beside the namespace's file; empty for none and host.
     */
    private static java.util.Optional<PodNetwork.Attached> attachment(RunRequest request) throws IOException {
        if (!request.network().isCni()) {
            return java.util.Optional.empty();
        }
        for (Namespace n : request.joinNamespaces()) {
            if (n.type().equals(Namespace.NETWORK) && n.path() != null) {
                return PodNetwork.read(Path.of(n.path()).getParent());
            }
        }
        return java.util.Optional.empty();
    }

    /** The host's /etc/resolv.conf for the container (the image's stays if the host has none). */
    private static String hostResolvConf() throws IOException {
        try {
            return Files.readString(Path.of("/etc/resolv.conf"));
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
