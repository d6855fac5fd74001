package io.jrun.runtime.cgroup;

import java.io.IOException;
import java.util.Optional;

/**
 * Decides whether and where a pod gets its cgroup.
 *
 * <p>With limits or a device policy to enforce (every pod but a --privileged one: the policy is
 * a program attached to the pod's cgroup), the pod's cgroup is a must: anything that stops it
 * (no cgroup v2, a missing controller, no permission) is an error. Otherwise jrun still runs
 * where it cannot make one (a host without a cgroup2 mount, a read-only one, a container): the
 * pod then runs in jrun's own cgroup, and {@link Decision#note} says why for --debug. jrun never
 * touches cgroup v1 hierarchies: on a hybrid host only the cgroup2 mount is used.
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
     * The pod's cgroup. {@code devicePolicy}: the pod's device policy is a program to attach to
     * it (every pod but a --privileged one), so the pod cannot run without one.
     */
    public static Decision forPod(String uuid, CgroupLimits limits, String explicitParent, boolean devicePolicy)
            throws CgroupException {
        Optional<Cgroup2> hierarchy;
        try {
            hierarchy = Cgroup2.find();
        } catch (IOException e) {
            hierarchy = Optional.empty();
        }
        if (hierarchy.isEmpty()) {
            if (!limits.isEmpty()) {
                String option = limits.settings().getFirst().option();
                throw new CgroupException("no cgroup v2 is mounted on this host: " + option
                        + " needs one; mount cgroup2 (unified or hybrid layout), or drop " + option);
            }
            if (devicePolicy) {
                throw new CgroupException("no cgroup v2 is mounted on this host: jrun confines a pod's devices with a"
                        + " program on the pod's cgroup v2; mount cgroup2 (unified or hybrid layout), or run with --privileged");
            }
            return new Decision(Optional.empty(), "no cgroup v2 mount: the pod runs in jrun's own cgroup");
        }
        try {
            CgroupParent parent = CgroupParent.resolve(hierarchy.get(), explicitParent);
            return new Decision(Optional.of(PodCgroup.create(parent, uuid, limits)), "cgroup " + parent.podDir(uuid));
        } catch (IOException e) {
            if (!limits.isEmpty() || devicePolicy) {
                throw new CgroupException("cannot find jrun's cgroup: " + CgroupFiles.reason(e), e);
            }
            return new Decision(Optional.empty(), "no cgroup for the pod (" + CgroupFiles.reason(e) + ")");
        } catch (CgroupException e) {
            if (!limits.isEmpty() || explicitParent != null) {
                throw e;
            }
            if (devicePolicy) {
                throw new CgroupException(e.getMessage() + " (a pod's device policy is a program on its own cgroup:"
                        + " choose a writable --cgroup-parent, or run with --privileged)", e);
            }
            return new Decision(Optional.empty(), "no cgroup for the pod: " + e.getMessage());
        }
    }
}
