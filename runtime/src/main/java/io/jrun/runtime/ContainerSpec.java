package io.jrun.runtime;

import io.jrun.linux.Capabilities;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.devices.DevicePolicy;
import io.jrun.runtime.seccomp.SeccompProgram;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything the launcher needs to start one container.
 *
 * @param layers       the image's unpacked layer directories, lowest first
 * @param upperDir     the container's own writable overlay layer (an empty directory at first)
 * @param workDir      overlayfs' work directory, on the same file system as upperDir
 * @param rootfs       an empty directory the overlay is mounted on (in the container's mount
 *                     namespace only: the host never sees the mount)
 * @param argv         the command; argv[0] without a slash is searched in the env's PATH inside
 *                     the image, as docker does
 * @param env          the environment, "K=V" strings
 * @param workingDir   absolute path inside the container; created when missing, as docker does
 * @param hostname     the container's host name (UTS namespace and /etc/hostname)
 * @param user         who the app runs as, docker's {@code USER[:GROUP]} with names or numbers;
 *                     names are resolved from the image's own /etc/passwd and /etc/group at
 *                     launch; "" is root
 * @param capabilities the bounding set, and for root the permitted and effective set too, one
 *                     bit per CAP_* number; inheritable and ambient stay empty (docker and podman
 *                     since CVE-2022-24769), so an app run as another user has none
 * @param stdio        where the app's stdin, stdout and stderr go
 * @param mounts       volumes and tmpfs mounts, mounted in this order over the image's root
 * @param network      the container's own network namespace, or the host's
 * @param readOnly     the root is mounted read-only (with tmpfs on /run, /tmp and /var/tmp,
 *                     as podman's --read-only does)
 * @param resolvConf   the content of the container's /etc/resolv.conf, or null to keep the image's
 * @param seccomp      the seccomp filter the app runs under, or null for none (unconfined); compiled
 *                     for {@code capabilities} and {@code hardening.noNewPrivileges()}
 * @param hardening    no_new_privs, the masked and read-only paths, /sys and /dev: null for
 *                     {@link ContainerHardening#DEFAULT}
 * @param cgroup       the pod's cgroup, made and empty, with its limits still to be written: the
 *                     app runs in it and sees it as its cgroup namespace's root; null for none,
 *                     which only a device policy that allows every device can do without (the
 *                     launch refuses otherwise: the policy is a program on this cgroup)
 * @param listenFds    systemd socket activation: jrun's descriptors 3 to 3+listenFds-1 are passed
 *                     to the app at the same numbers (sd_listen_fds(3)); 0 for none
 * @param devices      which devices the app may open and make (a program attached to
 *                     {@code cgroup} before the app runs), and the nodes made in its /dev besides
 *                     jrun's; null for {@link DevicePolicy#DEFAULT}. Unless it allows every
 *                     device, the root's overlay is mounted nodev, so the image's own device
 *                     nodes cannot be opened at all
 */
public record ContainerSpec(List<Path> layers, Path upperDir, Path workDir, Path rootfs,
                            List<String> argv, List<String> env, String workingDir, String hostname,
                            String user, long capabilities, Stdio stdio, List<MountSpec> mounts,
                            Network network, boolean readOnly, String resolvConf, SeccompProgram seccomp,
                            ContainerHardening hardening, PodCgroup cgroup, int listenFds, DevicePolicy devices) {

    /**
     * podman's default capability set: no MKNOD, NET_RAW or AUDIT_WRITE. The device policy
     * already denies mknod of any device it does not allow, so MKNOD would only let a container
     * make nodes for null, zero, tty… and the allowed ones; like podman, jrun leaves it out
     * all the same (--cap-add MKNOD gives it).
     */
    public static final long DEFAULT_CAPABILITIES = bits(Capabilities.CAP_CHOWN, Capabilities.CAP_DAC_OVERRIDE,
            Capabilities.CAP_FOWNER, Capabilities.CAP_FSETID, Capabilities.CAP_KILL,
            Capabilities.CAP_NET_BIND_SERVICE, Capabilities.CAP_SETFCAP, Capabilities.CAP_SETGID,
            Capabilities.CAP_SETPCAP, Capabilities.CAP_SETUID, Capabilities.CAP_SYS_CHROOT);

    /** docker's PATH for an image whose environment sets none. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** RFC 1123 labels, at most 64 bytes as the kernel allows. */
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*");

    public ContainerSpec {
        layers = List.copyOf(layers);
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        network = network == null ? Network.NONE : network;
        hardening = hardening == null ? ContainerHardening.DEFAULT : hardening;
        devices = devices == null ? DevicePolicy.DEFAULT : devices;
        if (listenFds < 0) {
            throw new IllegalArgumentException("listenFds must not be negative: " + listenFds);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("an image needs at least one layer");
        }
        for (Path p : List.of(upperDir, workDir, rootfs)) {
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException("container directories must be absolute paths: " + p);
            }
        }
        if (argv.isEmpty() || argv.getFirst().isEmpty()) {
            throw new IllegalArgumentException("no command to run: the image has no Entrypoint or Cmd; give one after --");
        }
        checkWorkingDir(workingDir);
        if (hostname.length() > 64 || !HOSTNAME.matcher(hostname).matches()) {
            throw new IllegalArgumentException("invalid hostname \"" + hostname + "\": use letters, digits, '-' and '.', at most 64 characters");
        }
        for (String e : env) {
            if (e.indexOf('=') <= 0) {
                throw new IllegalArgumentException("environment entries must be K=V, not \"" + e + "\"");
            }
        }
        if (user == null) {
            user = "";
        }
        if (stdio == null) {
            stdio = Stdio.inherit();
        }
    }

    /**
     * A spec with the default hardening and device policy, and without a cgroup: give it one with
     * {@link #withCgroup} before the launch (the device policy is a program on it).
     */
    public ContainerSpec(List<Path> layers, Path upperDir, Path workDir, Path rootfs, List<String> argv,
                         List<String> env, String workingDir, String hostname, String user, long capabilities,
                         Stdio stdio, List<MountSpec> mounts, Network network, boolean readOnly, String resolvConf,
                         SeccompProgram seccomp) {
        this(layers, upperDir, workDir, rootfs, argv, env, workingDir, hostname, user, capabilities, stdio, mounts,
                network, readOnly, resolvConf, seccomp, ContainerHardening.DEFAULT, null, 0, DevicePolicy.DEFAULT);
    }

    /**
     * A spec with the defaults for what the launch engine's callers rarely set: no mounts, no
     * network, a writable root, the image's own /etc/resolv.conf, no seccomp filter and the
     * default device policy; and no cgroup yet ({@link #withCgroup}).
     */
    public ContainerSpec(List<Path> layers, Path upperDir, Path workDir, Path rootfs, List<String> argv,
                         List<String> env, String workingDir, String hostname, String user, long capabilities,
                         Stdio stdio) {
        this(layers, upperDir, workDir, rootfs, argv, env, workingDir, hostname, user, capabilities, stdio,
                List.of(), Network.NONE, false, null, null, ContainerHardening.DEFAULT, null, 0, DevicePolicy.DEFAULT);
    }

    /** This spec with the app in {@code cgroup} (see {@link PodCgroup}). */
    public ContainerSpec withCgroup(PodCgroup cgroup) {
        return new ContainerSpec(layers, upperDir, workDir, rootfs, argv, env, workingDir, hostname, user, capabilities,
                stdio, mounts, network, readOnly, resolvConf, seccomp, hardening, cgroup, listenFds, devices);
    }

    /** This spec under another device policy. */
    public ContainerSpec withDevices(DevicePolicy devices) {
        return new ContainerSpec(layers, upperDir, workDir, rootfs, argv, env, workingDir, hostname, user, capabilities,
                stdio, mounts, network, readOnly, resolvConf, seccomp, hardening, cgroup, listenFds, devices);
    }

    /**
     * Refuses a working directory that is not absolute or lies in /proc, whose magic links
     * ({@code /proc/self/fd/N}, {@code /proc/self/cwd}) could point outside the container's root
     * (runc's CVE-2024-21626). The same check for {@code -w} and an image's WorkingDir.
     */
    public static void checkWorkingDir(String workingDir) {
        if (!workingDir.startsWith("/")) {
            throw new IllegalArgumentException("the working directory must be an absolute path, not \"" + workingDir + "\"");
        }
        String normal = Path.of(workingDir).normalize().toString();
        if (normal.equals("/proc") || normal.startsWith("/proc/")) {
            throw new IllegalArgumentException("the working directory \"" + workingDir + "\" is in /proc, whose links can"
                    + " lead outside the container: choose a directory of the image");
        }
    }

    /** A capability set from CAP_* numbers. */
    public static long bits(int... capabilities) {
        long set = 0;
        for (int c : capabilities) {
            set |= 1L << c;
        }
        return set;
    }

    /** The PATH the command is searched in: the spec's own, or docker's default. */
    public String path() {
        for (String e : env) {
            if (e.startsWith("PATH=")) {
                return e.substring(5);
            }
        }
        return DEFAULT_PATH;
    }
}
