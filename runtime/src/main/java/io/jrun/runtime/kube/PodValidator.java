package io.jrun.runtime.kube;

import io.jrun.images.reference.ImageReference;
import io.jrun.runtime.spec.CapabilityNames;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks what the values of a {@link KubePod} mean, as Kubernetes' API server would and as jrun
 * can run them, and makes the {@link ValidatedPod}. Pure: it reads no file, resolves no name and
 * asks no kernel; the first problem is reported with the path of its field.
 */
final class PodValidator {
    private PodValidator() {
    }

    /** Kubernetes' DNS-1123 label: container, volume and host names. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** Kubernetes' DNS-1123 subdomain: pod names. */
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** jrun run's --memory minimum (CgroupLimits). */
    static final long MIN_MEMORY = 6L << 20;
    /** jrun run's --cpus minimum, 0.01 CPU (CgroupLimits), in millicores. */
    static final long MIN_CPU_MILLIS = 10;
    /** The largest uid or gid; 4294967295 is the kernel's "no id". */
    private static final long MAX_ID = 4_294_967_294L;

    /**
     * podman's per-container switches that podman kube generate writes as annotations
     * ({@code io.podman.annotations.init/CTR: "FALSE"}): FALSE is tolerated, anything else asks for
     * a behaviour jrun play does not apply.
     */
    private static final Map<String, String> PODMAN_SWITCHES = Map.of(
            "io.podman.annotations.autoremove", "jrun play --down removes the pod; remove the annotation",
            "io.podman.annotations.init", "jrun has no init process for apps; remove the annotation",
            "io.podman.annotations.privileged", "use the container's securityContext.privileged: true instead",
            "io.podman.annotations.publish-all", "publish each port with hostPort instead");

    static ValidatedPod validate(KubePod pod) throws FieldException {
        FieldPath meta = FieldPath.ROOT.field("metadata");
        FieldPath spec = FieldPath.ROOT.field("spec");
        if (pod.name() == null || pod.name().isEmpty()) {
            throw new FieldException(meta.field("name"), "metadata.name is missing: name the pod");
        }
        if (pod.name().length() > 253 || !DNS_SUBDOMAIN.matcher(pod.name()).matches()) {
            throw new FieldException(meta.field("name"), "metadata.name \"" + pod.name() + "\" is not a valid pod name:"
                    + " use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
                    + " (Kubernetes' DNS-1123 subdomain, at most 253 characters)");
        }
        annotations(pod.annotations(), meta.field("annotations"));
        if (pod.hostname() != null && !dnsLabel(pod.hostname())) {
            throw new FieldException(spec.field("hostname"), "spec.hostname \"" + pod.hostname() + "\" is not a valid"
                    + " host name: " + DNS_LABEL_RULE);
        }
        if (pod.containers().isEmpty()) {
            throw new FieldException(spec.field("containers"), "spec.containers is empty: a pod needs at least one"
                    + " container with a name and an image");
        }

        Map<String, KubeVolume> volumes = new HashMap<>();
        for (int i = 0; i < pod.volumes().size(); i++) {
            KubeVolume volume = pod.volumes().get(i);
            FieldPath path = spec.field("volumes").index(i);
            volume(volume, path);
            if (volumes.put(volume.name(), volume) != null) {
                throw new FieldException(path.field("name"), path.field("name") + ": two volumes are named \""
                        + volume.name() + "\": give each volume its own name");
            }
        }

        Set<String> names = new HashSet<>();
        Map<String, FieldPath> hostPorts = new HashMap<>();
        KubePod.Builder builder = KubePod.builder(pod.name()).restartPolicy(pod.restartPolicy())
                .hostNetwork(pod.hostNetwork()).hostname(pod.hostname())
                .shareProcessNamespace(pod.shareProcessNamespace());
        pod.labels().forEach(builder::label);
        pod.annotations().forEach(builder::annotation);
        pod.volumes().forEach(builder::volume);
        for (int i = 0; i < pod.initContainers().size(); i++) {
            builder.initContainer(container(pod.initContainers().get(i), spec.field("initContainers").index(i),
                    names, volumes, hostPorts, pod.hostNetwork()));
        }
        for (int i = 0; i < pod.containers().size(); i++) {
            builder.container(container(pod.containers().get(i), spec.field("containers").index(i),
                    names, volumes, hostPorts, pod.hostNetwork()));
        }
        return new ValidatedPod(builder.build());
    }

    private static final String DNS_LABEL_RULE = "use at most 63 lowercase letters, digits and '-', starting and"
            + " ending with a letter or digit (Kubernetes' DNS-1123 label)";

    private static boolean dnsLabel(String name) {
        return name.length() <= 63 && DNS_LABEL.matcher(name).matches();
    }

    private static void annotations(Map<String, String> annotations, FieldPath path) throws FieldException {
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            FieldPath p = path.key(key);
            int slash = key.lastIndexOf('/');
            String base = slash < 0 ? key : key.substring(0, slash);
            String fix = PODMAN_SWITCHES.get(base);
            if (fix != null) {
                if (!value.equalsIgnoreCase("false")) {
                    throw new FieldException(p, p + ": \"" + value + "\" is not supported by jrun play: " + fix);
                }
            } else if (key.startsWith("io.podman.annotations.")) {
                throw new FieldException(p, p + " asks podman for a behaviour jrun play does not apply: remove it");
            } else if (key.startsWith("io.containers.autoupdate")) {
                throw new FieldException(p, p + " is not supported by jrun play: jrun has no auto-update; remove it");
            } else if (key.equals("seccomp.security.alpha.kubernetes.io/pod")
                    || key.startsWith("container.seccomp.security.alpha.kubernetes.io/")) {
                if (!value.equals("runtime/default") && !value.equals("docker/default")) {
                    throw new FieldException(p, p + ": \"" + value + "\" is not supported by jrun play: jrun applies its"
                            + " default seccomp profile to every app; use runtime/default or remove it");
                }
            } else if (key.startsWith("container.apparmor.security.beta.kubernetes.io/")) {
                if (!value.equals("unconfined")) {
                    throw new FieldException(p, p + ": \"" + value + "\" is not supported by jrun play: jrun applies no"
                            + " AppArmor profile; remove it");
                }
            } else if (key.startsWith("bind-mount-options")) {
                // podman's record of a bind mount's :z/:Z (SELinux relabelling), a no-op without SELinux
                if (!value.equals("z") && !value.equals("Z")) {
                    throw new FieldException(p, p + ": \"" + value + "\" is not supported by jrun play: remove it");
                }
            }
        }
    }

    private static void volume(KubeVolume volume, FieldPath path) throws FieldException {
        if (volume.name() == null || volume.name().isEmpty()) {
            throw new FieldException(path.field("name"), path.field("name") + " is missing: name the volume, so that"
                    + " volumeMounts can refer to it");
        }
        if (!dnsLabel(volume.name())) {
            throw new FieldException(path.field("name"), path.field("name") + " \"" + volume.name()
                    + "\" is not a valid volume name: " + DNS_LABEL_RULE);
        }
        switch (volume) {
            case KubeVolume.HostPath host -> {
                FieldPath p = path.field("hostPath").field("path");
                if (host.path() == null || !host.path().startsWith("/")) {
                    throw new FieldException(p, p + (host.path() == null ? " is missing" : " \"" + host.path()
                            + "\" is relative") + ": give the absolute path of a host directory or file");
                }
            }
            case KubeVolume.EmptyDir empty -> {
                FieldPath p = path.field("emptyDir").field("sizeLimit");
                if (empty.sizeLimit() != null && (empty.sizeLimit().isNegative() || empty.sizeLimit().wholeBytes().isEmpty())) {
                    throw new FieldException(p, p + " " + empty.sizeLimit() + " is not a whole, non-negative number of"
                            + " bytes: write it as 64Mi, 1G or 1048576");
                }
            }
        }
    }

    private static KubeContainer container(KubeContainer c, FieldPath path, Set<String> names,
                                           Map<String, KubeVolume> volumes, Map<String, FieldPath> hostPorts,
                                           boolean hostNetwork) throws FieldException {
        if (c.name() == null || c.name().isEmpty()) {
            throw new FieldException(path.field("name"), path.field("name") + " is missing: name the container");
        }
        if (!dnsLabel(c.name())) {
            throw new FieldException(path.field("name"), path.field("name") + " \"" + c.name()
                    + "\" is not a valid container name: " + DNS_LABEL_RULE);
        }
        if (!names.add(c.name())) {
            throw new FieldException(path.field("name"), path.field("name") + ": two containers are named \"" + c.name()
                    + "\" (init containers included): give each container its own name");
        }
        if (c.image() == null || c.image().isBlank()) {
            throw new FieldException(path.field("image"), path.field("image") + " is missing: give the container's image,"
                    + " such as docker.io/library/busybox:latest");
        }
        try {
            ImageReference.parse(c.image());
        } catch (IllegalArgumentException e) {
            throw new FieldException(path.field("image"), path.field("image") + ": " + e.getMessage());
        }
        KubeContainer.Builder out = KubeContainer.builder(c.name(), c.image()).imagePullPolicy(c.imagePullPolicy());

        // env: each value may refer to the variables defined before it; command and args to all
        Map<String, String> variables = new LinkedHashMap<>();
        for (int i = 0; i < c.env().size(); i++) {
            EnvVar env = c.env().get(i);
            FieldPath p = path.field("env").index(i).field("name");
            if (env.name().isEmpty() || env.name().contains("=")) {
                throw new FieldException(p, p + " \"" + env.name() + "\" is not a valid variable name: give a name"
                        + " without '='");
            }
            String value = VariableExpansion.expand(env.value(), variables);
            variables.put(env.name(), value);
            out.env(env.name(), value);
        }
        out.command(c.command().stream().map(s -> VariableExpansion.expand(s, variables)).toList());
        out.args(c.args().stream().map(s -> VariableExpansion.expand(s, variables)).toList());

        if (c.workingDir() != null && !c.workingDir().startsWith("/")) {
            throw new FieldException(path.field("workingDir"), path.field("workingDir") + " \"" + c.workingDir()
                    + "\" is relative: give an absolute path in the container");
        }
        out.workingDir(c.workingDir());

        for (int i = 0; i < c.ports().size(); i++) {
            out.port(port(c.ports().get(i), path.field("ports").index(i), hostPorts, hostNetwork));
        }

        Set<String> mountPaths = new HashSet<>();
        for (int i = 0; i < c.volumeMounts().size(); i++) {
            VolumeMount mount = c.volumeMounts().get(i);
            FieldPath p = path.field("volumeMounts").index(i);
            if (mount.name() == null || !volumes.containsKey(mount.name())) {
                throw new FieldException(p.field("name"), p.field("name") + (mount.name() == null ? " is missing"
                        : " \"" + mount.name() + "\" names no volume") + ": add it to spec.volumes (hostPath or emptyDir)"
                        + " or mount one of " + (volumes.isEmpty() ? "them (there are none)" : volumes.keySet().stream()
                        .sorted().toList()));
            }
            if (mount.mountPath() == null || !mount.mountPath().startsWith("/")) {
                throw new FieldException(p.field("mountPath"), p.field("mountPath") + (mount.mountPath() == null
                        ? " is missing" : " \"" + mount.mountPath() + "\" is relative")
                        + ": give an absolute path in the container");
            }
            if (!mountPaths.add(normalize(mount.mountPath()))) {
                throw new FieldException(p.field("mountPath"), p.field("mountPath") + ": two volumes are mounted at "
                        + mount.mountPath() + ": mount one there");
            }
            String sub = mount.subPath();
            if (sub != null && !sub.isEmpty() && (sub.startsWith("/") || List.of(sub.split("/")).contains(".."))) {
                throw new FieldException(p.field("subPath"), p.field("subPath") + " \"" + sub + "\" must be a relative"
                        + " path inside the volume, without '..'");
            }
            out.volumeMount(new VolumeMount(mount.name(), mount.mountPath(), mount.readOnly(),
                    sub == null || sub.isEmpty() ? null : sub));
        }

        out.securityContext(security(c.securityContext(), path.field("securityContext")));
        limits(c.limits(), path.field("resources").field("limits"));
        out.limits(c.limits());
        return out.build();
    }

    private static String normalize(String path) {
        String p = path.replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static ContainerPort port(ContainerPort port, FieldPath path, Map<String, FieldPath> hostPorts,
                                      boolean hostNetwork) throws FieldException {
        if (port.containerPort() == 0) {
            throw new FieldException(path.field("containerPort"), path.field("containerPort") + " is missing"
                    + (port.published() ? " for hostPort " + port.hostPort() : "")
                    + ": give the port the app listens on (1-65535)");
        }
        if (port.hostIP() != null) {
            try {
                InetAddress.ofLiteral(port.hostIP());
            } catch (IllegalArgumentException e) {
                throw new FieldException(path.field("hostIP"), path.field("hostIP") + " \"" + port.hostIP()
                        + "\" is not an IP address: give one such as 127.0.0.1, or remove it to bind all addresses");
            }
            if (!port.published()) {
                throw new FieldException(path.field("hostIP"), path.field("hostIP") + " is set without a hostPort:"
                        + " give the hostPort to publish, or remove hostIP");
            }
        }
        if (port.published()) {
            if (hostNetwork && port.hostPort() != port.containerPort()) {
                throw new FieldException(path.field("hostPort"), path.field("hostPort") + " " + port.hostPort()
                        + " differs from containerPort " + port.containerPort() + ", but with spec.hostNetwork the app"
                        + " listens on the host itself: make them equal, or remove hostPort");
            }
            String key = port.hostPort() + "/" + port.protocol() + "@" + (port.hostIP() == null ? "*" : port.hostIP());
            FieldPath first = hostPorts.putIfAbsent(key, path);
            if (first != null) {
                throw new FieldException(path.field("hostPort"), path.field("hostPort") + ": host port " + port.hostPort()
                        + "/" + port.protocol() + " is already published by " + first + ": publish each host port once");
            }
        }
        return port;
    }

    private static KubeSecurityContext security(KubeSecurityContext s, FieldPath path) throws FieldException {
        id(s.runAsUser(), path.field("runAsUser"));
        id(s.runAsGroup(), path.field("runAsGroup"));
        if (Boolean.TRUE.equals(s.privileged()) && Boolean.FALSE.equals(s.allowPrivilegeEscalation())) {
            throw new FieldException(path.field("allowPrivilegeEscalation"), path.field("allowPrivilegeEscalation")
                    + " false contradicts privileged: true (Kubernetes refuses it too): remove one of them");
        }
        List<String> add = capabilities(s.capabilitiesAdd(), path.field("capabilities").field("add"));
        List<String> drop = capabilities(s.capabilitiesDrop(), path.field("capabilities").field("drop"));
        for (String cap : add) {
            if (drop.contains(cap) && !cap.equals(CapabilityNames.ALL)) {
                throw new FieldException(path.field("capabilities"), path.field("capabilities") + ": " + cap
                        + " is both added and dropped: keep it in one list");
            }
        }
        return new KubeSecurityContext(s.runAsUser(), s.runAsGroup(), s.readOnlyRootFilesystem(), s.privileged(),
                s.allowPrivilegeEscalation(), add, drop, s.unmaskedProc());
    }

    private static void id(Long id, FieldPath path) throws FieldException {
        if (id != null && (id < 0 || id > MAX_ID)) {
            throw new FieldException(path, path + " " + id + " is not a valid id: give 0-" + MAX_ID);
        }
    }

    private static List<String> capabilities(List<String> names, FieldPath path) throws FieldException {
        List<String> canonical = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            try {
                canonical.add(CapabilityNames.canonical(names.get(i), path.index(i).toString()));
            } catch (IllegalArgumentException e) {
                throw new FieldException(path.index(i), e.getMessage());
            }
        }
        return canonical;
    }

    private static void limits(ResourceLimits limits, FieldPath path) throws FieldException {
        Quantity cpu = limits.cpu();
        if (cpu != null) {
            FieldPath p = path.field("cpu");
            OptionalLong millis = cpu.wholeMillis();
            if (cpu.isNegative() || millis.isEmpty()) {
                throw new FieldException(p, p + " " + cpu + " is not a CPU limit: give a positive number of CPUs no finer"
                        + " than 1m, such as 500m or 0.5");
            }
            if (millis.getAsLong() < MIN_CPU_MILLIS) {
                throw new FieldException(p, p + " " + cpu + " is below jrun's minimum of 10m (0.01 CPU): give at least 10m");
            }
        }
        Quantity memory = limits.memory();
        if (memory != null) {
            FieldPath p = path.field("memory");
            OptionalLong bytes = memory.wholeBytes();
            if (memory.isNegative() || bytes.isEmpty()) {
                throw new FieldException(p, p + " " + memory + " is not a whole number of bytes"
                        + (memory.text().endsWith("m") ? " (the suffix m means thousandths: write M for megabytes, or Mi)"
                        : "") + ": write it as 64Mi, 1G or 134217728");
            }
            if (bytes.getAsLong() < MIN_MEMORY) {
                throw new FieldException(p, p + " " + memory + " is below jrun's minimum of 6Mi: give at least 6Mi");
            }
        }
    }

}
