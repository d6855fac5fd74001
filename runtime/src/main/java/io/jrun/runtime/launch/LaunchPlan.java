package io.jrun.runtime.launch;

import io.jrun.linux.Capabilities;
import io.jrun.linux.Namespaces;
import io.jrun.linux.ResourceLimits;
import io.jrun.runtime.devices.DevicePolicy;
import io.jrun.runtime.spec.Annotations;
import io.jrun.runtime.spec.CapabilityNames;
import io.jrun.runtime.spec.CapabilitySets;
import io.jrun.runtime.spec.Device;
import io.jrun.runtime.spec.Hooks;
import io.jrun.runtime.spec.Linux;
import io.jrun.runtime.spec.Mount;
import io.jrun.runtime.spec.Namespace;
import io.jrun.runtime.spec.Process;
import io.jrun.runtime.spec.Rlimit;
import io.jrun.runtime.spec.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A configuration checked and turned into what the launch threads do: namespace flags, mount
 * plans, capability bits, resource numbers. Made on the caller's thread before any thread
 * starts, so that everything the configuration gets wrong, or asks of jrun that it cannot do,
 * fails first, in one line, with nothing made.
 *
 * <p>What jrun refuses (never silently drops): user namespaces and ID mappings (a
 * multithreaded process cannot enter a user namespace), AppArmor and SELinux labels, and the
 * {@code createContainer} and {@code startContainer} hooks, which would run inside the
 * container between clone and exec, where jrun runs nothing but posix_spawn's file actions.
 *
 * <p>{@code devicePolicy}: {@code linux.resources.devices} with the default allow-list, as a
 * program attached to the container's cgroup before the app runs ({@link DevicePolicy#of}).
 */
record LaunchPlan(Spec spec, Process process, Path rootPath, boolean rootReadOnly, RootOverlay overlay,
                  int unshareFlags, List<Join> joins, Namespace pidNamespace, List<MountPlan> mounts,
                  List<MountPlan> procMounts, List<Device> devices, Caps caps, List<Limit> rlimits,
                  String userName, User user, String[] sysctlPaths, String[] sysctlValues, long rootPropagation,
                  DevicePolicy devicePolicy) {

    /** A namespace to join: its CLONE_NEW* flag and the file that names it. */
    record Join(int flag, String type, String path) {
    }

    /** An {@code overlay} mount on {@code /}: the root itself. */
    record RootOverlay(List<Path> layersLowestFirst, Path upper, Path work) {
    }

    /** The five capability sets as bits. */
    record Caps(long bounding, long effective, long permitted, long inheritable, long ambient) {
    }

    /** An rlimit: the resource's number and the pair. */
    record Limit(int resource, String name, long soft, long hard) {
    }

    private static final Map<String, Integer> FLAGS = Map.of(Namespace.MOUNT, Namespaces.CLONE_NEWNS,
            Namespace.UTS, Namespaces.CLONE_NEWUTS, Namespace.IPC, Namespaces.CLONE_NEWIPC,
            Namespace.NETWORK, Namespaces.CLONE_NEWNET, Namespace.CGROUP, Namespaces.CLONE_NEWCGROUP,
            Namespace.TIME, Namespaces.CLONE_NEWTIME, Namespace.PID, Namespaces.CLONE_NEWPID);

    static LaunchPlan of(Spec spec, Path bundle) {
        Process process = spec.requireProcess();
        Linux linux = spec.linux();
        if (process.args().isEmpty() || process.args().getFirst().isEmpty()) {
            throw new IllegalArgumentException("process.args is empty: no command to run; give one");
        }
        refuse(process.apparmorProfile() != null && !process.apparmorProfile().isEmpty(),
                "process.apparmorProfile: jrun has no AppArmor support; remove it");
        refuse(process.selinuxLabel() != null && !process.selinuxLabel().isEmpty(),
                "process.selinuxLabel: jrun has no SELinux support; remove it");
        refuse(linux.mountLabel() != null && !linux.mountLabel().isEmpty(),
                "linux.mountLabel: jrun has no SELinux support; remove it");
        refuse(!linux.uidMappings().isEmpty() || !linux.gidMappings().isEmpty() || linux.namespace(Namespace.USER).isPresent(),
                "linux.namespaces: jrun does not support user namespaces yet (a multithreaded JVM cannot enter one);"
                        + " remove the user namespace and the ID mappings");
        Hooks hooks = spec.hooks();
        refuse(!hooks.createContainer().isEmpty() || !hooks.startContainer().isEmpty(),
                "hooks.createContainer and hooks.startContainer run inside the container before the app, which"
                        + " jrun cannot do (it starts the app with posix_spawn); use createRuntime or prestart");
        for (String env : process.env()) {
            if (env.indexOf('=') <= 0) {
                throw new IllegalArgumentException("process.env entries must be K=V, not \"" + env + "\"");
            }
        }

        // namespaces: new ones are unshared, paths joined; unlisted ones are the runtime's
        int unshare = 0;
        List<Join> joins = new ArrayList<>();
        Namespace pid = null;
        for (Namespace ns : linux.namespaces()) {
            int flag = FLAGS.get(ns.type());
            if (ns.type().equals(Namespace.PID)) {
                pid = ns; // last, after the pivot: see ContainerSetup
            } else if (ns.path() == null) {
                unshare |= flag;
            } else {
                joins.add(new Join(flag, ns.type(), ns.path()));
            }
        }
        refuse(linux.namespace(Namespace.MOUNT).isEmpty(),
                "linux.namespaces has no mount namespace: jrun always runs a container in a mount namespace of its own; add {\"type\": \"mount\"}");
        refuse(linux.namespace(Namespace.MOUNT).get().path() != null,
                "linux.namespaces: joining a mount namespace by path is not supported; give the mount namespace without a path");
        refuse((spec.hostname() != null || spec.domainname() != null)
                        && linux.namespace(Namespace.UTS).map(n -> n.path() != null).orElse(true),
                "hostname and domainname need a new UTS namespace: add {\"type\": \"uts\"} to linux.namespaces, or remove them");

        // the root, and an overlay on / that replaces it
        Path rootPath = bundle.resolve(spec.root().path()).normalize();
        List<MountPlan> mounts = new ArrayList<>();
        List<MountPlan> procMounts = new ArrayList<>();
        RootOverlay overlay = null;
        for (Mount m : spec.mounts()) {
            MountPlan plan = MountPlan.of(m, bundle);
            if (plan.isRootOverlay()) {
                refuse(overlay != null || !mounts.isEmpty() || !procMounts.isEmpty(),
                        "an overlay mount on / must come first in mounts, and only once");
                overlay = rootOverlay(plan, bundle);
            } else if (plan.destination().equals("/")) {
                throw new IllegalArgumentException("mounts: only an overlay can be mounted on /; the root is root.path");
            } else if (plan.underProc()) {
                refuse(!plan.isProc() && procMounts.isEmpty(),
                        "mounts: " + plan.describe() + " comes before /proc is mounted: mount proc on /proc first");
                procMounts.add(plan);
            } else {
                mounts.add(plan);
            }
        }

        // the identity: numbers, or docker's USER resolved in the image at create time
        String userName = spec.annotation(Annotations.USER).orElse(null); // "" is root, resolved too (HOME)
        User user = new User(process.user().uid(), process.user().gid(), process.user().additionalGids());

        Caps caps = caps(process.capabilities());

        List<Limit> limits = new ArrayList<>();
        for (Rlimit r : process.rlimits()) {
            int resource = ResourceLimits.resource(r.type());
            refuse(resource < 0, "process.rlimits: unknown type " + r.type() + " (this kernel knows "
                    + String.join(", ", ResourceLimits.names()) + ")");
            limits.add(new Limit(resource, r.type(), r.soft(), r.hard()));
        }

        List<String> paths = new ArrayList<>();
        List<String> values = new ArrayList<>();
        linux.sysctl().forEach((key, value) -> {
            checkSysctl(key, linux);
            paths.add("/proc/sys/" + key.replace('.', '/'));
            values.add(value);
        });

        long propagation = switch (linux.rootfsPropagation() == null ? "" : linux.rootfsPropagation()) {
            case "", "private", "rprivate" -> 0;
            case "slave", "rslave" -> io.jrun.linux.Mounts.MS_SLAVE;
            case "shared", "rshared" -> io.jrun.linux.Mounts.MS_SHARED;
            case "unbindable", "runbindable" -> io.jrun.linux.Mounts.MS_UNBINDABLE;
            default -> throw new IllegalArgumentException("linux.rootfsPropagation: \"" + linux.rootfsPropagation()
                    + "\" is not private, slave, shared or unbindable");
        };
        return new LaunchPlan(spec, process, rootPath, spec.root().readonly(), overlay, unshare, List.copyOf(joins), pid,
                List.copyOf(mounts), List.copyOf(procMounts), linux.devices(), caps, List.copyOf(limits), userName, user,
                paths.toArray(String[]::new), values.toArray(String[]::new), propagation, DevicePolicy.of(linux));
    }

    /** The sets as bits; names this kernel does not know are left out, as runc and crun do. */
    static Caps caps(CapabilitySets sets) {
        return new Caps(bits(sets.bounding()), bits(sets.effective()), bits(sets.permitted()),
                bits(sets.inheritable()), bits(sets.ambient()));
    }

    private static RootOverlay rootOverlay(MountPlan plan, Path bundle) {
        List<Path> lower = new ArrayList<>();
        Path upper = null;
        Path work = null;
        for (String option : plan.data()) {
            if (option.startsWith("lowerdir=")) {
                List<String> layers = splitOverlayList(option.substring("lowerdir=".length()));
                for (String layer : layers.reversed()) { // overlayfs lists the uppermost first
                    lower.add(bundle.resolve(layer).normalize());
                }
            } else if (option.startsWith("upperdir=")) {
                upper = bundle.resolve(option.substring("upperdir=".length())).normalize();
            } else if (option.startsWith("workdir=")) {
                work = bundle.resolve(option.substring("workdir=".length())).normalize();
            } else {
                throw new IllegalArgumentException("the overlay on /: option \"" + option
                        + "\" is not supported (lowerdir, upperdir, workdir)");
            }
        }
        refuse(lower.isEmpty(), "the overlay on / has no lowerdir");
        refuse((upper == null) != (work == null), "the overlay on / needs both upperdir and workdir, or neither");
        refuse(upper == null, "the overlay on / needs an upperdir and a workdir: jrun does not mount a read-only overlay as the root");
        return new RootOverlay(List.copyOf(lower), upper, work);
    }

    /** overlayfs' list: ':' separated, with '\' escaping ':', ',' and '\'. */
    static List<String> splitOverlayList(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                current.append(value.charAt(++i));
            } else if (c == ':') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static long bits(List<String> names) {
        long set = 0;
        int lastCap = Capabilities.lastCap();
        for (String name : names) {
            int number = CapabilityNames.numberOrMinusOne(name);
            if (number < 0 || number > lastCap) {
                // runc and crun skip capabilities the kernel does not know, with a warning
                continue;
            }
            set |= 1L << number;
        }
        return set;
    }

    /** runc's rule: only namespaced sysctls, and only in a namespace of the container's own. */
    private static void checkSysctl(String key, Linux linux) {
        boolean newIpc = linux.namespace(Namespace.IPC).isPresent();
        boolean newNet = linux.namespace(Namespace.NETWORK).isPresent();
        boolean newUts = linux.namespace(Namespace.UTS).isPresent();
        Set<String> ipc = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");
        if (key.contains("/") || key.contains("..")) {
            throw new IllegalArgumentException("linux.sysctl: \"" + key + "\" is not a sysctl name");
        }
        if (ipc.contains(key) || key.startsWith("fs.mqueue.")) {
            refuse(!newIpc, "linux.sysctl " + key + " needs an IPC namespace of the container's own");
        } else if (key.startsWith("net.")) {
            refuse(!newNet, "linux.sysctl " + key + " needs a network namespace of the container's own");
        } else if (key.equals("kernel.hostname") || key.equals("kernel.domainname")) {
            refuse(!newUts, "linux.sysctl " + key + " needs a UTS namespace of the container's own");
        } else {
            throw new IllegalArgumentException("linux.sysctl " + key + " is not namespaced: setting it would change the"
                    + " host; jrun allows net.*, fs.mqueue.*, the IPC limits and kernel.hostname/domainname");
        }
    }

    private static void refuse(boolean condition, String message) {
        if (condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
