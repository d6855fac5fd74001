package io.jrun.runtime.kube;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes v1 Pod as jrun play reads it: the supported subset (docs/play.md), as written,
 * not yet validated ({@link PodValidator} makes a {@link ValidatedPod} of it).
 *
 * @param labels                metadata.labels, kept in order
 * @param annotations           metadata.annotations, kept in order
 * @param initContainers        run to completion, in order, before the containers start
 * @param restartPolicy         never null: Always when the manifest names none
 * @param hostname              or null for jrun's default
 * @param shareProcessNamespace the apps share one pid namespace (jrun's --share-pid)
 */
public record KubePod(String name, Map<String, String> labels, Map<String, String> annotations,
                      List<KubeContainer> initContainers, List<KubeContainer> containers, List<KubeVolume> volumes,
                      RestartPolicy restartPolicy, boolean hostNetwork, String hostname, boolean shareProcessNamespace) {
    public KubePod {
        labels = unmodifiable(labels);
        annotations = unmodifiable(annotations);
        initContainers = List.copyOf(initContainers);
        containers = List.copyOf(containers);
        volumes = List.copyOf(volumes);
        restartPolicy = restartPolicy == null ? RestartPolicy.ALWAYS : restartPolicy;
    }

    private static Map<String, String> unmodifiable(Map<String, String> map) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a pod; collections start empty, restartPolicy Always, hostNetwork off. */
    public static final class Builder {
        private final String name;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private final List<KubeContainer> initContainers = new ArrayList<>();
        private final List<KubeContainer> containers = new ArrayList<>();
        private final List<KubeVolume> volumes = new ArrayList<>();
        private RestartPolicy restartPolicy = RestartPolicy.ALWAYS;
        private boolean hostNetwork;
        private String hostname;
        private boolean shareProcessNamespace;

        private Builder(String name) {
            this.name = name;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder annotation(String key, String value) {
            annotations.put(key, value);
            return this;
        }

        public Builder initContainer(KubeContainer container) {
            initContainers.add(Objects.requireNonNull(container));
            return this;
        }

        public Builder container(KubeContainer container) {
            containers.add(Objects.requireNonNull(container));
            return this;
        }

        public Builder volume(KubeVolume volume) {
            volumes.add(Objects.requireNonNull(volume));
            return this;
        }

        public Builder restartPolicy(RestartPolicy restartPolicy) {
            this.restartPolicy = restartPolicy;
            return this;
        }

        public Builder hostNetwork(boolean hostNetwork) {
            this.hostNetwork = hostNetwork;
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        public Builder shareProcessNamespace(boolean shareProcessNamespace) {
            this.shareProcessNamespace = shareProcessNamespace;
            return this;
        }

        public KubePod build() {
            return new KubePod(name, labels, annotations, initContainers, containers, volumes, restartPolicy,
                    hostNetwork, hostname, shareProcessNamespace);
        }
    }
}
