package io.jrun.runtime.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link KubePod} that {@link PodValidator} accepted: only it makes one. What a later step
 * turns into the pod engine's request; in it, capability names are canonical (CAP_NET_ADMIN) and
 * Kubernetes' {@code $(VAR)} references in command, args and env values are expanded.
 */
public final class ValidatedPod {
    private final KubePod pod;

    ValidatedPod(KubePod pod) {
        this.pod = Objects.requireNonNull(pod);
    }

    public KubePod pod() {
        return pod;
    }

    /** Every app in start order: the init containers, then the containers. */
    public List<KubeContainer> apps() {
        List<KubeContainer> apps = new ArrayList<>(pod.initContainers());
        apps.addAll(pod.containers());
        return apps;
    }

    /** The pod volume a mount names; the validator made sure there is one. */
    public KubeVolume volume(VolumeMount mount) {
        return pod.volumes().stream().filter(v -> v.name().equals(mount.name())).findFirst().orElseThrow();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValidatedPod other && other.pod.equals(pod);
    }

    @Override
    public int hashCode() {
        return pod.hashCode();
    }

    @Override
    public String toString() {
        return "ValidatedPod[" + pod + "]";
    }
}
