package io.jrun.runtime;

import io.jrun.runtime.cgroup.CgroupLimits;
import io.jrun.runtime.devices.DeviceMapping;
import io.jrun.runtime.devices.DevicePolicy;
import io.jrun.runtime.seccomp.SeccompOption;

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
 * @param devices     --device: host devices the container gets, with their allow rules
 */
public record RunRequest(String image, List<String> command, String entrypoint, List<String> env,
                         String workingDir, String user, String name, String hostname,
                         List<MountSpec> mounts, List<String> volumeArgs, Network network, boolean readOnly,
                         boolean terminal, boolean interactive, boolean removeOnExit, SeccompOption seccomp,
                         SecurityOptions security, CgroupLimits limits, String cgroupParent, int listenFds,
                         List<DeviceMapping> devices) {
    public RunRequest {
        devices = devices == null ? List.of() : List.copyOf(devices);
        limits = limits == null ? CgroupLimits.NONE : limits;
        command = List.copyOf(command);
        env = List.copyOf(env);
        mounts = List.copyOf(mounts);
        volumeArgs = List.copyOf(volumeArgs);
        network = network == null ? Network.NONE : network;
        seccomp = seccomp == null ? SeccompOption.DEFAULT : seccomp;
        security = security == null ? SecurityOptions.DEFAULT : security;
        devicePolicy(security, devices); // two --device nodes at one path fail here, before anything is made
    }

    /** The pod's device policy: the default, or --privileged's; with --device's nodes and rules. */
    public DevicePolicy devicePolicy() {
        return devicePolicy(security, devices);
    }

    private static DevicePolicy devicePolicy(SecurityOptions security, List<DeviceMapping> devices) {
        DevicePolicy policy = DevicePolicy.forRun(security.privileged());
        for (DeviceMapping device : devices) {
            policy = policy.withDevice(device.node(), device.access());
        }
        return policy;
    }

    /** A request without security options or cgroup limits (the default parent). */
    public RunRequest(String image, List<String> command, String entrypoint, List<String> env,
                      String workingDir, String user, String name, String hostname,
                      List<MountSpec> mounts, List<String> volumeArgs, Network network, boolean readOnly,
                      boolean terminal, boolean interactive, boolean removeOnExit, SeccompOption seccomp) {
        this(image, command, entrypoint, env, workingDir, user, name, hostname, mounts, volumeArgs, network, readOnly,
                terminal, interactive, removeOnExit, seccomp, SecurityOptions.DEFAULT, CgroupLimits.NONE, null, 0, List.of());
    }

    /** The same request for another image (its name in the store, once fetched). */
    public RunRequest withImage(String storedImage) {
        return new RunRequest(storedImage, command, entrypoint, env, workingDir, user, name, hostname, mounts, volumeArgs,
                network, readOnly, terminal, interactive, removeOnExit, seccomp, security, limits, cgroupParent, listenFds,
                devices);
    }
}
