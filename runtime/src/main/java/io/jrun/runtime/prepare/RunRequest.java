package io.jrun.runtime.prepare;

import io.jrun.runtime.cgroup.CgroupLimits;
import io.jrun.runtime.devices.DeviceMapping;
import io.jrun.runtime.seccomp.SeccompOption;
import io.jrun.runtime.spec.Namespace;

import java.util.List;

/**
 * What the user asks of {@code jrun run}, before the image's config is merged in.
 *
 * @param image       the image: a name or ID in the store, or a location to fetch
 * @param command     the arguments after the image (replace the image's Cmd), or empty
 * @param entrypoint  replaces the image's Entrypoint ("" clears it), or null to keep it
 * @param env         K=V entries in the order given (--env-file first, then -e); later wins
 * @param workingDir  -w, or null for the image's
 * @param user        -u, or null for the image's
 * @param name        --name, or null
 * @param hostname    --hostname, or null for the default (the UUID's first 12 hex digits, or
 *                    the host's name with --net=host, as docker does)
 * @param mounts      -v and --tmpfs, in order
 * @param volumeArgs  the same, as typed, for the pod's record
 * @param terminal    -t: the app gets a pseudo-terminal
 * @param interactive -i: the app reads jrun's stdin (otherwise /dev/null)
 * @param removeOnExit --rm
 * @param seccomp     the seccomp profile: the default, none, or a file (--security-opt seccomp=)
 * @param security    --privileged, --cap-add, --cap-drop, --security-opt no-new-privileges= and unmask=
 * @param limits      --memory, --cpus, --pids-limit…: the pod's cgroup v2 limits
 * @param cgroupParent --cgroup-parent: a cgroup path for the pod's cgroup's parent, or null for
 *                    the default (the delegated systemd unit jrun runs in, or /jrun.slice)
 * @param listenFds   systemd socket activation: how many of jrun's descriptors from 3 on the app
 *                    gets at the same numbers (with LISTEN_FDS and LISTEN_PID=1 in env); 0 for none
 * @param devices     --device: host devices the container gets, each a node in its /dev
 *                    ({@code linux.devices}) and an allow rule ({@code linux.resources.devices})
 * @param joinNamespaces namespaces the app joins by path instead of making its own: a pod of
 *                    several apps' shared network, IPC and UTS namespaces (see SharedNamespaces);
 *                    empty for a one-app pod
 */
public record RunRequest(String image, List<String> command, String entrypoint, List<String> env,
                         String workingDir, String user, String name, String hostname,
                         List<MountSpec> mounts, List<String> volumeArgs, Network network, boolean readOnly,
                         boolean terminal, boolean interactive, boolean removeOnExit, SeccompOption seccomp,
                         SecurityOptions security, CgroupLimits limits, String cgroupParent, int listenFds,
                         List<DeviceMapping> devices, List<Namespace> joinNamespaces) {
    public RunRequest {
        joinNamespaces = joinNamespaces == null ? List.of() : List.copyOf(joinNamespaces);
        devices = devices == null ? List.of() : List.copyOf(devices);
        for (int i = 0; i < devices.size(); i++) { // two nodes at one path fail here, before a fetch
            for (int j = 0; j < i; j++) {
                if (devices.get(i).node().path().equals(devices.get(j).node().path())) {
                    throw new IllegalArgumentException("two device nodes at " + devices.get(i).node().path()
                            + ": give each its own path");
                }
            }
        }
        limits = limits == null ? CgroupLimits.NONE : limits;
        command = List.copyOf(command);
        env = List.copyOf(env);
        mounts = List.copyOf(mounts);
        volumeArgs = List.copyOf(volumeArgs);
        network = network == null ? Network.NONE : network;
        seccomp = seccomp == null ? SeccompOption.DEFAULT : seccomp;
        security = security == null ? SecurityOptions.DEFAULT : security;
    }

    /** The same request for another image (its name in the store, once fetched). */
    public RunRequest withImage(String storedImage) {
        return toBuilder().image(storedImage).build();
    }

    public static Builder builder(String image) {
        return new Builder().image(image);
    }

    public Builder toBuilder() {
        return new Builder().image(image).command(command).entrypoint(entrypoint).env(env).workingDir(workingDir)
                .user(user).name(name).hostname(hostname).mounts(mounts, volumeArgs).network(network).readOnly(readOnly)
                .terminal(terminal).interactive(interactive).removeOnExit(removeOnExit).seccomp(seccomp)
                .security(security).limits(limits).cgroupParent(cgroupParent).listenFds(listenFds).devices(devices)
                .joinNamespaces(joinNamespaces);
    }

    /** Builds a request; everything but the image has docker's default. */
    public static final class Builder {
        private String image;
        private List<String> command = List.of();
        private String entrypoint;
        private List<String> env = List.of();
        private String workingDir;
        private String user;
        private String name;
        private String hostname;
        private List<MountSpec> mounts = List.of();
        private List<String> volumeArgs = List.of();
        private Network network = Network.NONE;
        private boolean readOnly;
        private boolean terminal;
        private boolean interactive;
        private boolean removeOnExit;
        private SeccompOption seccomp = SeccompOption.DEFAULT;
        private SecurityOptions security = SecurityOptions.DEFAULT;
        private CgroupLimits limits = CgroupLimits.NONE;
        private String cgroupParent;
        private int listenFds;
        private List<DeviceMapping> devices = List.of();
        private List<Namespace> joinNamespaces = List.of();

        private Builder() {
        }

        public Builder image(String v) {
            image = v;
            return this;
        }

        public Builder command(List<String> v) {
            command = v;
            return this;
        }

        public Builder command(String... v) {
            return command(List.of(v));
        }

        public Builder entrypoint(String v) {
            entrypoint = v;
            return this;
        }

        public Builder env(List<String> v) {
            env = v;
            return this;
        }

        public Builder workingDir(String v) {
            workingDir = v;
            return this;
        }

        public Builder user(String v) {
            user = v;
            return this;
        }

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder hostname(String v) {
            hostname = v;
            return this;
        }

        /** The mounts, and the same as the user typed them (for the pod's record). */
        public Builder mounts(List<MountSpec> v, List<String> asTyped) {
            mounts = v;
            volumeArgs = asTyped;
            return this;
        }

        public Builder network(Network v) {
            network = v;
            return this;
        }

        public Builder readOnly(boolean v) {
            readOnly = v;
            return this;
        }

        public Builder terminal(boolean v) {
            terminal = v;
            return this;
        }

        public Builder interactive(boolean v) {
            interactive = v;
            return this;
        }

        public Builder removeOnExit(boolean v) {
            removeOnExit = v;
            return this;
        }

        public Builder seccomp(SeccompOption v) {
            seccomp = v;
            return this;
        }

        public Builder security(SecurityOptions v) {
            security = v;
            return this;
        }

        public Builder limits(CgroupLimits v) {
            limits = v;
            return this;
        }

        public Builder cgroupParent(String v) {
            cgroupParent = v;
            return this;
        }

        public Builder listenFds(int v) {
            listenFds = v;
            return this;
        }

        public Builder devices(List<DeviceMapping> v) {
            devices = v;
            return this;
        }

        public Builder joinNamespaces(List<Namespace> v) {
            joinNamespaces = v;
            return this;
        }

        public RunRequest build() {
            return new RunRequest(image, command, entrypoint, env, workingDir, user, name, hostname, mounts, volumeArgs,
                    network, readOnly, terminal, interactive, removeOnExit, seccomp, security, limits, cgroupParent, listenFds,
                    devices, joinNamespaces);
        }
    }
}
