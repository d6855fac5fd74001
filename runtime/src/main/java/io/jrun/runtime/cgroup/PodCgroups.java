package io.jrun.runtime.cgroup;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether and where a pod gets its cgroup.
 *
 * <p>With limits, the pod's cgroup is a must: anything that stops it (no cgroup v2, a missing
 * controller, no permission) is an error. Without limits jrun still runs where it cannot make
 * one (a host without a cgroup2 mount, a read-only one, a container): the pod then runs in
 * jrun's own cgroup, and {@link Decision#note} says why for --debug. jrun never touches cgroup
 * v1 hierarchies: on a hybrid host only the cgroup2 mount is used.
 */
public final class PodCgroups {
    private PodCgroups() {
    }

    /** The outcome: the pod's cgroup, or none and why. */
    public record Decision(Optional<PodCgroup> cgroup, String note) {
    }

    /** The environment variable that sets the parent when --cgroup-parent is not given. */
    public static final String PARENT_ENV = "JRUN_CGROUP_PARENT";

    /**
     * The cgroup for a container whose configuration says {@code cgroupsPath}: absolute (from
     * the cgroup2 root), relative (under the default parent: {@link #PARENT_ENV}, the delegated
     * systemd unit jrun runs in, or /jrun.slice), or null for {@code defaultName} under the
     * default parent. {@code devicePolicy}: the container's device policy is a program to attach
     * to it (every pod but a --privileged one), so it cannot run without one; limits need one too.
     */
    public static Decision forContainer(String defaultName, String cgroupsPath, List<CgroupSettings.Setting> settings,
                                        boolean devicePolicy) throws CgroupException {
        boolean required = devicePolicy || !settings.isEmpty();
        Optional<Cgroup2> hierarchy;
        try {
            hierarchy = Cgroup2.find();
        } catch (IOException e) {
            hierarchy = Optional.empty();
        }
        if (hierarchy.isEmpty()) {
            if (!settings.isEmpty()) {
                throw new CgroupException("no cgroup v2 is mounted on this host: "
                        + CgroupSettings.describe(settings.getFirst().origin())
                        + " needs one; mount cgroup2 (unified or hybrid layout), or drop it");
            }
            if (devicePolicy) {
                throw new CgroupException("no cgroup v2 is mounted on this host: jrun confines a pod's devices with a"
                        + " program on the pod's cgroup v2; mount cgroup2 (unified or hybrid layout), or run with --privileged");
            }
            return new Decision(Optional.empty(), "no cgroup v2 mount: the container runs in jrun's own cgroup");
        }
        String explicitParent = System.getenv(PARENT_ENV);
        String name = defaultName;
        if (cgroupsPath != null && !cgroupsPath.isEmpty()) {
            String normal = java.nio.file.Path.of(cgroupsPath).normalize().toString();
            if (normal.equals("/") || normal.isEmpty() || normal.contains("..")) {
                throw new CgroupException("linux.cgroupsPath \"" + cgroupsPath + "\" does not name a cgroup below the root");
            }
            int slash = normal.lastIndexOf('/');
            name = normal.substring(slash + 1);
            if (normal.startsWith("/")) {
                explicitParent = slash == 0 ? "/" : normal.substring(0, slash);
            } else if (slash > 0) {
                name = normal; // relative, with directories: below the default parent
            }
        }
        try {
            CgroupParent parent = CgroupParent.resolve(hierarchy.get(), explicitParent);
            return new Decision(Optional.of(PodCgroup.create(parent, name, settings)), "cgroup " + parent.dir().resolve(name));
        } catch (IOException e) {
            if (required) {
                throw new CgroupException("cannot find jrun's cgroup: " + CgroupFiles.reason(e), e);
            }
            return new Decision(Optional.empty(), "no cgroup for the container (" + CgroupFiles.reason(e) + ")");
        } catch (CgroupException e) {
            if (!settings.isEmpty() || explicitParent != null) {
                throw e;
            }
            if (devicePolicy) {
                throw new CgroupException(e.getMessage() + " (a pod's device policy is a program on its own cgroup:"
                        + " choose a writable --cgroup-parent, or run with --privileged)", e);
            }
            return new Decision(Optional.empty(), "no cgroup for the container: " + e.getMessage());
        }
    }
}
