package io.jrun.runtime;

import io.jrun.runtime.prepare.RunRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One app of a {@link PodRequest}: what it runs, and its place in the pod.
 *
 * @param name    the app's name, unique in the pod ({@code --app-name}; a manifest's container
 *                name): {@code jrun status} lists it, {@code jrun logs/enter --app} name it
 * @param init    an init app (Kubernetes' initContainers, {@code --init-app}): the init apps
 *                run one after another, each to completion, before the other apps start; one
 *                that fails fails the pod with its exit code
 * @param restart when the app is started again after it exits ({@code --restart})
 * @param process the app's own part of a one-app run: its image, command, entrypoint, env,
 *                working directory, user, volumes and tmpfs mounts, read-only root, security
 *                options, seccomp, devices and cgroup limits (the app's own cgroup's, as a
 *                Kubernetes container's resources.limits). Its pod-level fields (name, hostname,
 *                network, cgroup parent, --rm, terminal) must be left at their defaults: the pod's apply
 * @param volumeMounts where the app mounts the pod's volumes ({@link PodRequest#volumes()})
 */
public record AppRequest(String name, boolean init, RestartPolicy restart, RunRequest process,
                         List<PodVolume.Mount> volumeMounts) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public AppRequest {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid app name '" + name
                    + "': use lower-case letters, digits and '-', at most 63 characters (as Kubernetes does)");
        }
        restart = restart == null ? RestartPolicy.NO : restart;
        volumeMounts = volumeMounts == null ? List.of() : List.copyOf(volumeMounts);
        if (init && restart.kind() == RestartPolicy.Kind.ALWAYS) {
            throw new IllegalArgumentException("init app " + name + " cannot restart always: it must run to completion;"
                    + " use no or on-failure");
        }
        if (process.name() != null || process.hostname() != null || process.removeOnExit() || process.terminal()
                || process.interactive() || process.cgroupParent() != null
                || !process.network().equals(io.jrun.runtime.prepare.Network.NONE) || !process.joinNamespaces().isEmpty()) {
            throw new IllegalArgumentException("app " + name + " sets a pod's option (name, hostname, network,"
                    + " cgroup parent, --rm, -t, -i): give it to the pod, before the first image");
        }
    }

    public static Builder builder(String name, RunRequest process) {
        return new Builder(name, process);
    }

    /** Builds an app: a plain app that never restarts unless told. */
    public static final class Builder {
        private final String name;
        private final RunRequest process;
        private boolean init;
        private RestartPolicy restart = RestartPolicy.NO;
        private final List<PodVolume.Mount> volumeMounts = new ArrayList<>();

        private Builder(String name, RunRequest process) {
            this.name = name;
            this.process = process;
        }

        public Builder init(boolean v) {
            init = v;
            return this;
        }

        public Builder restart(RestartPolicy v) {
            restart = v;
            return this;
        }

        public Builder volumeMount(PodVolume.Mount v) {
            volumeMounts.add(v);
            return this;
        }

        public AppRequest build() {
            return new AppRequest(name, init, restart, process, volumeMounts);
        }
    }
}
