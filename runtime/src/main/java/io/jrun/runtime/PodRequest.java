package io.jrun.runtime;

import io.jrun.runtime.cgroup.CgroupLimits;
import io.jrun.runtime.pod.PodStore;
import io.jrun.runtime.prepare.Network;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pod of several apps, the one request model the engine runs them from: the CLI's rkt-style
 * {@code jrun run [pod options] IMG1 [app options] --- IMG2 [app options] …} and a Kubernetes
 * {@code v1 Pod} manifest both translate into it.
 *
 * <p>The pod owns what its apps share: the network, IPC and UTS namespaces (held as
 * bind-mounted nsfs files under the pod's directory, no process resident, see
 * {@link SharedNamespaces}), with {@code sharePid} a pid namespace too (held by a pause
 * process), the host name every app sees, its cgroup (the parent of its apps', see
 * {@link AppPodCgroup}), the name and the lifecycle. Each {@link AppRequest} owns its root file
 * system, mount namespace, pid namespace (unless shared), process, cgroup (a child of the pod's),
 * supervisor, log and exit status: it runs as one unit of the pod store (named
 * {@code POD.APP} when the pod has a name), with every default, the device policy and the
 * seccomp filter of a one-app run.
 *
 * <pre>{@code
 * PodRequest pod = PodRequest.builder()
 *         .name("web")
 *         .app(AppRequest.builder("main", RunRequest.builder("busybox").command("httpd", "-f").build()).build())
 *         .app(AppRequest.builder("shipper", RunRequest.builder("busybox").command("tail", "-F", "/logs/x").build())
 *                 .restart(RestartPolicy.parse("always")).build())
 *         .build();
 * }</pre>
 *
 * @param name         the pod's name, unique among pods and apps, or null
 * @param hostname     the host name of the pod's UTS namespace, or null for the UUID's first 12 hex digits
 * @param network      none (a network namespace of the pod's with only loopback) or host
 * @param removeOnExit remove the pod when its apps have exited (foreground only)
 * @param apps         the apps, init apps first in the order they run, then the others in start order
 * @param volumes      the pod's own volumes (emptyDir), which its apps mount by name
 * @param limits       the pod's cgroup v2 limits ({@code --memory}, {@code --cpus}, {@code --pids-limit}… before
 *                     the first image), on the pod's cgroup, which every app's cgroup is a child of: they bind
 *                     the apps together, each app's own limits ({@link AppRequest#process()}) bind it alone
 * @param cgroupParent the cgroup the pod's cgroup is made in ({@code --cgroup-parent}), or null for the default
 * @param sharePid     the apps share one pid namespace ({@code --share-pid}), held by the pod's pause process
 *                     ({@link io.jrun.runtime.pod.PodPause}): each app sees the others' processes and may signal them
 */
public record PodRequest(String name, String hostname, Network network, boolean removeOnExit, List<AppRequest> apps,
                         List<PodVolume> volumes, CgroupLimits limits, String cgroupParent, boolean sharePid) {
    public PodRequest {
        limits = limits == null ? CgroupLimits.NONE : limits;
        network = network == null ? Network.NONE : network;
        apps = List.copyOf(apps);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        if (apps.isEmpty()) {
            throw new IllegalArgumentException("a pod needs an app");
        }
        Set<String> volumeNames = new HashSet<>();
        for (PodVolume v : volumes) {
            if (!volumeNames.add(v.name())) {
                throw new IllegalArgumentException("two volumes are named " + v.name() + ": give each its own name");
            }
        }
        if (name != null) {
            PodStore.checkName(name);
        }
        Set<String> names = new HashSet<>();
        boolean seenMain = false;
        for (AppRequest app : apps) {
            if (name != null && name.length() + 1 + app.name().length() > 128) {
                throw new IllegalArgumentException("app " + app.name() + " of pod " + name + ": the app's unit is named"
                        + " POD.APP, at most 128 characters: choose a shorter --name or --app-name");
            }
            if (!names.add(app.name())) {
                throw new IllegalArgumentException("two apps are named " + app.name() + ": give each its own --app-name");
            }
            if (app.init() && seenMain) {
                throw new IllegalArgumentException("init app " + app.name() + " comes after an app that is not an init app:"
                        + " put init apps first");
            }
            seenMain |= !app.init();
            for (PodVolume.Mount m : app.volumeMounts()) {
                if (!volumeNames.contains(m.volume())) {
                    throw new IllegalArgumentException("app " + app.name() + " mounts volume " + m.volume()
                            + ", which the pod does not have: add it to the pod's volumes");
                }
            }
        }
        if (!seenMain) {
            throw new IllegalArgumentException("every app is an init app: a pod needs one that is not");
        }
    }

    /** The init apps, in the order they run. */
    public List<AppRequest> initApps() {
        return apps.stream().filter(AppRequest::init).toList();
    }

    /** The apps that run together once the init apps are done, in start order. */
    public List<AppRequest> mainApps() {
        return apps.stream().filter(a -> !a.init()).toList();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a pod: no name, the default host name, no network but loopback, kept after exit. */
    public static final class Builder {
        private String name;
        private String hostname;
        private Network network = Network.NONE;
        private boolean removeOnExit;
        private final List<AppRequest> apps = new ArrayList<>();
        private final List<PodVolume> volumes = new ArrayList<>();
        private CgroupLimits limits = CgroupLimits.NONE;
        private String cgroupParent;
        private boolean sharePid;

        private Builder() {
        }

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder hostname(String v) {
            hostname = v;
            return this;
        }

        public Builder network(Network v) {
            network = v;
            return this;
        }

        public Builder removeOnExit(boolean v) {
            removeOnExit = v;
            return this;
        }

        public Builder app(AppRequest v) {
            apps.add(v);
            return this;
        }

        public Builder volume(PodVolume v) {
            volumes.add(v);
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

        public Builder sharePid(boolean v) {
            sharePid = v;
            return this;
        }

        public PodRequest build() {
            return new PodRequest(name, hostname, network, removeOnExit, apps, volumes, limits, cgroupParent, sharePid);
        }
    }
}
