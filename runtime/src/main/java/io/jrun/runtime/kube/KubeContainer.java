package io.jrun.runtime.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code spec.containers} or {@code spec.initContainers}: one app of the pod.
 *
 * @param command         replaces the image's Entrypoint; empty keeps it (Kubernetes' rule)
 * @param args            replaces the image's Cmd; empty keeps it, unless command is given, which
 *                        drops the image's Cmd as docker's --entrypoint does
 * @param workingDir      or null for the image's
 * @param imagePullPolicy or null for jrun's default ({@link PullPolicy})
 */
public record KubeContainer(String name, String image, List<String> command, List<String> args, List<EnvVar> env,
                            String workingDir, List<ContainerPort> ports, List<VolumeMount> volumeMounts,
                            KubeSecurityContext securityContext, ResourceLimits limits, PullPolicy imagePullPolicy) {
    public KubeContainer {
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = List.copyOf(env);
        ports = List.copyOf(ports);
        volumeMounts = List.copyOf(volumeMounts);
        securityContext = securityContext == null ? KubeSecurityContext.DEFAULT : securityContext;
        limits = limits == null ? ResourceLimits.NONE : limits;
    }

    public static Builder builder(String name, String image) {
        return new Builder(name, image);
    }

    /** Builds a container; lists start empty, the rest at jrun's defaults. */
    public static final class Builder {
        private String name;
        private String image;
        private final List<String> command = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final List<EnvVar> env = new ArrayList<>();
        private String workingDir;
        private final List<ContainerPort> ports = new ArrayList<>();
        private final List<VolumeMount> volumeMounts = new ArrayList<>();
        private KubeSecurityContext securityContext = KubeSecurityContext.DEFAULT;
        private ResourceLimits limits = ResourceLimits.NONE;
        private PullPolicy imagePullPolicy;

        private Builder(String name, String image) {
            this.name = name;
            this.image = image;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        public Builder command(List<String> command) {
            this.command.addAll(command);
            return this;
        }

        public Builder args(List<String> args) {
            this.args.addAll(args);
            return this;
        }

        public Builder env(String name, String value) {
            env.add(new EnvVar(name, value));
            return this;
        }

        public Builder workingDir(String workingDir) {
            this.workingDir = workingDir;
            return this;
        }

        public Builder port(ContainerPort port) {
            ports.add(Objects.requireNonNull(port));
            return this;
        }

        public Builder volumeMount(VolumeMount mount) {
            volumeMounts.add(Objects.requireNonNull(mount));
            return this;
        }

        public Builder securityContext(KubeSecurityContext securityContext) {
            this.securityContext = securityContext;
            return this;
        }

        public Builder limits(ResourceLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder imagePullPolicy(PullPolicy imagePullPolicy) {
            this.imagePullPolicy = imagePullPolicy;
            return this;
        }

        public KubeContainer build() {
            return new KubeContainer(name, image, command, args, env, workingDir, ports, volumeMounts, securityContext,
                    limits, imagePullPolicy);
        }
    }
}
