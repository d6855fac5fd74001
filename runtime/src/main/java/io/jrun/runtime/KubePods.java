package io.jrun.runtime;

import io.jrun.runtime.cgroup.CgroupLimits;
import io.jrun.runtime.kube.ContainerPort;
import io.jrun.runtime.kube.KubeContainer;
import io.jrun.runtime.kube.KubePod;
import io.jrun.runtime.kube.KubeSecurityContext;
import io.jrun.runtime.kube.KubeVolume;
import io.jrun.runtime.kube.ValidatedPod;
import io.jrun.runtime.kube.VolumeMount;
import io.jrun.runtime.prepare.MountSpec;
import io.jrun.runtime.prepare.Network;
import io.jrun.runtime.prepare.RunRequest;
import io.jrun.runtime.prepare.SecurityOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jrun play}'s translation of a Kubernetes Pod manifest ({@link ValidatedPod}) into the
 * pod engine's {@link PodRequest}: the manifest's containers become the pod's apps, its init
 * containers its init apps in order, each with the options a one-app run has. What the engine
 * cannot carry out is refused by its field's path, never dropped. See docs/play.md.
 *
 * <pre>{@code
 * ValidatedPod manifest = KubeManifests.read(Path.of("pod.yaml"));
 * KubePods.checkHostPaths(manifest);                 // Kubernetes' hostPath type checks
 * PodRequest request = KubePods.request(manifest);   // images as the manifest names them
 * }</pre>
 */
public final class KubePods {
    private KubePods() {
    }

    /**
     * The pod engine's request for {@code manifest}. Pure: no file is read. Throws an
     * IllegalArgumentException of one line naming the field for what jrun cannot run.
     */
    public static PodRequest request(ValidatedPod manifest) {
        KubePod pod = manifest.pod();
        PodRequest.Builder request = PodRequest.builder().name(pod.name()).hostname(pod.hostname())
                .network(pod.hostNetwork() ? Network.HOST : Network.NONE).sharePid(pod.shareProcessNamespace());
        for (int i = 0; i < pod.volumes().size(); i++) {
            if (pod.volumes().get(i) instanceof KubeVolume.EmptyDir empty) {
                if (empty.sizeLimit() != null && !empty.inMemory()) {
                    throw refused("spec.volumes[" + i + "].emptyDir.sizeLimit", "jrun cannot limit a directory's size"
                            + " (the kubelet evicts the pod; jrun has no eviction): add medium: Memory for a tmpfs of"
                            + " that size, or remove sizeLimit");
                }
                Long size = empty.sizeLimit() == null ? null : empty.sizeLimit().wholeBytes().orElseThrow();
                request.volume(new PodVolume(empty.name(), empty.inMemory(), size == null || size == 0 ? null : size));
            }
        }
        for (int i = 0; i < pod.initContainers().size(); i++) {
            KubeContainer c = pod.initContainers().get(i);
            request.app(app(manifest, c, "spec.initContainers[" + i + "]", true, restart(pod.restartPolicy().forInitApp())));
        }
        for (int i = 0; i < pod.containers().size(); i++) {
            KubeContainer c = pod.containers().get(i);
            request.app(app(manifest, c, "spec.containers[" + i + "]", false, restart(pod.restartPolicy().forApp())));
        }
        return request.build();
    }

    private static RestartPolicy restart(io.jrun.runtime.kube.RestartPolicy.AppRestart restart) {
        return switch (restart) {
            case NO -> RestartPolicy.NO;
            case ON_FAILURE -> new RestartPolicy(RestartPolicy.Kind.ON_FAILURE, 0);
            case ALWAYS -> new RestartPolicy(RestartPolicy.Kind.ALWAYS, 0);
        };
    }

    private static AppRequest app(ValidatedPod manifest, KubeContainer c, String path, boolean init, RestartPolicy restart) {
        for (int i = 0; i < c.ports().size(); i++) {
            ContainerPort port = c.ports().get(i);
            if (port.published()) {
                throw refused(path + ".ports[" + i + "].hostPort", "publishing ports needs CNI networking, not yet in"
                        + " jrun: remove hostPort (the pod's apps reach each other on localhost), or use hostNetwork: true");
            }
        }
        RunRequest.Builder process = RunRequest.builder(c.image()).env(c.env().stream().map(e -> e.name() + "=" + e.value())
                .toList()).workingDir(c.workingDir());
        if (!c.command().isEmpty()) { // Entrypoint replaced, the image's Cmd dropped (docker's --entrypoint)
            List<String> argv = new ArrayList<>(c.command().subList(1, c.command().size()));
            argv.addAll(c.args());
            process.entrypoint(c.command().getFirst()).command(argv);
        } else {
            process.command(c.args()); // empty keeps the image's Cmd
        }

        KubeSecurityContext s = c.securityContext();
        if (s.runAsGroup() != null && s.runAsUser() == null) {
            throw refused(path + ".securityContext.runAsGroup", "jrun sets a group with a user: give runAsUser too");
        }
        if (s.runAsUser() != null) {
            process.user(s.runAsUser() + (s.runAsGroup() == null ? "" : ":" + s.runAsGroup()));
        }
        process.readOnly(Boolean.TRUE.equals(s.readOnlyRootFilesystem()));
        Boolean noNewPrivileges = s.allowPrivilegeEscalation() == null ? null : !s.allowPrivilegeEscalation();
        process.security(new SecurityOptions(Boolean.TRUE.equals(s.privileged()), s.capabilitiesAdd(), s.capabilitiesDrop(),
                noNewPrivileges, s.unmaskedProc() ? List.of("ALL") : List.of()));

        if (c.limits().cpu() != null || c.limits().memory() != null) {
            Long memory = c.limits().memoryBytes().isPresent() ? c.limits().memoryBytes().getAsLong() : null;
            Double cpus = c.limits().cpuMillis().isPresent() ? c.limits().cpuMillis().getAsLong() / 1000.0 : null;
            process.limits(new CgroupLimits(memory, null, cpus, null, null, null, null));
        }

        List<MountSpec> binds = new ArrayList<>();
        List<String> asTyped = new ArrayList<>();
        List<PodVolume.Mount> podMounts = new ArrayList<>();
        for (int i = 0; i < c.volumeMounts().size(); i++) {
            VolumeMount m = c.volumeMounts().get(i);
            switch (manifest.volume(m)) {
                case KubeVolume.HostPath host -> {
                    Path source = m.subPath() == null ? Path.of(host.path()) : Path.of(host.path()).resolve(m.subPath());
                    binds.add(new MountSpec.Bind(source, m.mountPath(), m.readOnly()));
                    asTyped.add("-v " + source + ":" + m.mountPath() + (m.readOnly() ? ":ro" : ""));
                }
                case KubeVolume.EmptyDir empty -> {
                    if (m.subPath() != null) {
                        throw refused(path + ".volumeMounts[" + i + "].subPath", "jrun mounts an emptyDir whole:"
                                + " remove subPath, or mount it at the parent directory");
                    }
                    podMounts.add(new PodVolume.Mount(empty.name(), m.mountPath(), m.readOnly()));
                }
            }
        }
        process.mounts(binds, asTyped);
        AppRequest.Builder app = AppRequest.builder(c.name(), process.build()).init(init).restart(restart);
        podMounts.forEach(app::volumeMount);
        return app.build();
    }

    /**
     * Kubernetes' checks of the manifest's hostPath volumes on this host, before anything is
     * made: Directory and File must be there and be one, Socket, CharDevice and BlockDevice
     * too; DirectoryOrCreate makes a missing directory (0755), FileOrCreate a missing empty file
     * (0644) in an existing directory. The "" type checks nothing.
     */
    public static void checkHostPaths(ValidatedPod manifest) throws IOException {
        List<KubeVolume> volumes = manifest.pod().volumes();
        for (int i = 0; i < volumes.size(); i++) {
            if (!(volumes.get(i) instanceof KubeVolume.HostPath host)) {
                continue;
            }
            String field = "spec.volumes[" + i + "].hostPath";
            Path path = Path.of(host.path());
            String type = host.type().kubeName();
            switch (host.type()) {
                case UNSET -> { }
                case DIRECTORY_OR_CREATE -> {
                    if (!Files.isDirectory(path)) {
                        Files.createDirectories(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                    }
                }
                case FILE_OR_CREATE -> {
                    if (!Files.exists(path)) {
                        if (!Files.isDirectory(path.getParent())) {
                            throw refused(field, host.path() + " cannot be made: its directory does not exist (FileOrCreate"
                                    + " makes no directory): make " + path.getParent() + ", or use type DirectoryOrCreate");
                        }
                        Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
                    }
                }
                default -> {
                    String found = fileType(path);
                    if (!found.equals(type)) {
                        throw refused(field, host.path() + " is " + (found.isEmpty() ? "not there" : "a " + found + ", not a "
                                + type) + " (type " + type + "): give the path of a " + type + ", or change its type");
                    }
                }
            }
        }
    }

    /** Kubernetes' name of the type of file at {@code path} (Directory, File, Socket, …), or "" if there is none. */
    private static String fileType(Path path) throws IOException {
        if (!Files.exists(path)) {
            return "";
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode"); // follows symbolic links, as the kubelet's stat
        return switch (mode & 0170000) {
            case 0040000 -> "Directory";
            case 0100000 -> "File";
            case 0140000 -> "Socket";
            case 0020000 -> "CharDevice";
            case 0060000 -> "BlockDevice";
            default -> "special file";
        };
    }

    private static IllegalArgumentException refused(String field, String why) {
        return new IllegalArgumentException(field + ": " + why);
    }
}
