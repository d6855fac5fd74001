package io.jrun.runtime.kube;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the tree of one {@code v1 Pod} document into a {@link KubePod}: the structure only (which
 * fields exist and their types); what the values mean is {@link PodValidator}'s. Every field is
 * accounted for: a supported one is read, a tolerated one (a harmless default that podman kube
 * generate or kubectl write) is checked to be that default, and any other is refused by its path:
 * a Kubernetes field jrun play does not support with the reason (unless it is null, {} or [], which
 * ask for nothing), anything else as not a field of that object at all (a typo). A null value is
 * an absent one, as Kubernetes reads it.
 */
final class PodReader {
    private PodReader() {
    }

    private static final String NOT_SUPPORTED = " is not supported by jrun play: ";
    private static final String NO_SCHEDULER = "jrun runs the pod on this host and has no scheduler: remove it";

    // What each object may hold, and for the Kubernetes fields jrun play does not take, why not.
    private static final Set<String> POD = Set.of("apiVersion", "kind", "metadata", "spec", "status");
    private static final Set<String> METADATA = Set.of("name", "labels", "annotations", "creationTimestamp");
    private static final Map<String, String> METADATA_REFUSED = Map.ofEntries(
            Map.entry("namespace", "jrun has no namespaces: remove it"),
            Map.entry("generateName", "give the pod a metadata.name"),
            Map.entry("uid", "it is assigned by a Kubernetes API server, not read: remove it"),
            Map.entry("resourceVersion", "it is assigned by a Kubernetes API server, not read: remove it"),
            Map.entry("generation", "it is assigned by a Kubernetes API server, not read: remove it"),
            Map.entry("selfLink", "it is assigned by a Kubernetes API server, not read: remove it"),
            Map.entry("managedFields", "it is assigned by a Kubernetes API server, not read: remove it"),
            Map.entry("deletionTimestamp", "remove it"),
            Map.entry("deletionGracePeriodSeconds", "remove it"),
            Map.entry("ownerReferences", "jrun has no owning objects: remove it"),
            Map.entry("finalizers", "remove it"));
    private static final Set<String> SPEC = Set.of("containers", "initContainers", "volumes", "restartPolicy",
            "hostNetwork", "hostname", "hostPID", "hostIPC", "shareProcessNamespace", "enableServiceLinks",
            "automountServiceAccountToken", "dnsPolicy");
    private static final Map<String, String> SPEC_REFUSED = Map.ofEntries(
            Map.entry("affinity", NO_SCHEDULER), Map.entry("nodeName", NO_SCHEDULER),
            Map.entry("nodeSelector", NO_SCHEDULER), Map.entry("tolerations", NO_SCHEDULER),
            Map.entry("topologySpreadConstraints", NO_SCHEDULER), Map.entry("schedulerName", NO_SCHEDULER),
            Map.entry("schedulingGates", NO_SCHEDULER), Map.entry("priority", NO_SCHEDULER),
            Map.entry("priorityClassName", NO_SCHEDULER), Map.entry("preemptionPolicy", NO_SCHEDULER),
            Map.entry("runtimeClassName", "jrun is the runtime: remove it"),
            Map.entry("overhead", NO_SCHEDULER), Map.entry("os", "jrun runs Linux pods: remove it"),
            Map.entry("serviceAccount", "jrun has no service accounts: remove it"),
            Map.entry("serviceAccountName", "jrun has no service accounts: remove it"),
            Map.entry("imagePullSecrets", "jrun has no Secrets: remove it and fetch the image with jrun fetch"),
            Map.entry("securityContext", "set runAsUser, runAsGroup and the rest per container, in"
                    + " spec.containers[*].securityContext"),
            Map.entry("hostAliases", "jrun play does not edit the pod's /etc/hosts: remove it"),
            Map.entry("dnsConfig", "jrun play does not edit the pod's resolv.conf: remove it"),
            Map.entry("subdomain", "jrun has no cluster DNS: remove it"),
            Map.entry("setHostnameAsFQDN", "jrun has no cluster DNS: remove it"),
            Map.entry("hostUsers", "jrun pods run without a user namespace: remove it"),
            Map.entry("terminationGracePeriodSeconds", "give the grace period to jrun stop (-t): remove it"),
            Map.entry("activeDeadlineSeconds", "remove it"),
            Map.entry("ephemeralContainers", "use jrun enter: remove it"),
            Map.entry("readinessGates", "jrun play runs no probes: remove it"),
            Map.entry("resourceClaims", "remove it"), Map.entry("resources", "set resources.limits per container"));
    private static final Set<String> CONTAINER = Set.of("name", "image", "command", "args", "env", "workingDir",
            "ports", "volumeMounts", "securityContext", "resources", "imagePullPolicy", "stdin", "stdinOnce", "tty");
    private static final Map<String, String> CONTAINER_REFUSED = Map.ofEntries(
            Map.entry("livenessProbe", "jrun play runs no probes: remove it"),
            Map.entry("readinessProbe", "jrun play runs no probes: remove it"),
            Map.entry("startupProbe", "jrun play runs no probes: remove it"),
            Map.entry("lifecycle", "jrun runs no postStart or preStop hooks: remove it"),
            Map.entry("envFrom", "jrun has no ConfigMaps or Secrets: list the variables under env"),
            Map.entry("restartPolicy", "a container's own restart policy (Kubernetes' native sidecars) is not"
                    + " supported: set spec.restartPolicy, and put a sidecar in spec.containers"),
            Map.entry("volumeDevices", "jrun play has no block volumes: remove it"),
            Map.entry("resizePolicy", "remove it"),
            Map.entry("terminationMessagePath", "jrun keeps each app's output in its log (jrun logs): remove it"),
            Map.entry("terminationMessagePolicy", "jrun keeps each app's output in its log (jrun logs): remove it"));
    private static final Set<String> ENV = Set.of("name", "value");
    private static final Map<String, String> ENV_REFUSED = Map.of("valueFrom",
            "jrun has no ConfigMaps, Secrets or downward API: give the variable's value under value");
    private static final Set<String> PORT = Set.of("name", "containerPort", "hostPort", "protocol", "hostIP");
    private static final Set<String> MOUNT = Set.of("name", "mountPath", "readOnly", "subPath");
    private static final Map<String, String> MOUNT_REFUSED = Map.of(
            "subPathExpr", "give a fixed subPath",
            "mountPropagation", "jrun's volume mounts are private: remove it",
            "recursiveReadOnly", "remove it (readOnly applies to the mount)");
    private static final Set<String> VOLUME = Set.of("name", "hostPath", "emptyDir");
    private static final Set<String> HOST_PATH = Set.of("path", "type");
    private static final Set<String> EMPTY_DIR = Set.of("medium", "sizeLimit");
    private static final Set<String> SECURITY = Set.of("runAsUser", "runAsGroup", "readOnlyRootFilesystem", "privileged",
            "allowPrivilegeEscalation", "capabilities", "procMount", "seLinuxOptions", "seccompProfile");
    private static final Map<String, String> SECURITY_REFUSED = Map.of(
            "runAsNonRoot", "jrun does not check it: give runAsUser a uid other than 0",
            "appArmorProfile", "jrun applies no AppArmor profile: remove it",
            "windowsOptions", "jrun runs Linux pods: remove it");
    private static final Set<String> CAPABILITIES = Set.of("add", "drop");
    private static final Set<String> RESOURCES = Set.of("limits");
    private static final Map<String, String> RESOURCES_REFUSED = Map.of(
            "requests", "jrun applies limits only: remove requests, or set them as limits",
            "claims", "remove it");

    static KubePod read(JsonNode root) throws FieldException {
        FieldPath top = FieldPath.ROOT;
        JsonNode pod = object(root, top, "a Kubernetes manifest is a mapping");
        fields(pod, top, POD, Map.of(), "a Pod");
        // status is what a cluster reports, not something to create; podman writes "status: {}"
        tolerateEmpty(pod, top.field("status"), "it is reported by Kubernetes, not read");
        FieldPath metaPath = top.field("metadata");
        JsonNode metadata = required(pod, metaPath, "give the pod a metadata.name");
        object(metadata, metaPath, "metadata is a mapping");
        fields(metadata, metaPath, METADATA, METADATA_REFUSED, "metadata");
        // metadata.creationTimestamp: podman and kubectl write it; a new pod has none, so it is ignored
        KubePod.Builder builder = KubePod.builder(string(metadata, metaPath.field("name")));
        for (Map.Entry<String, String> e : stringMap(metadata, metaPath.field("labels")).entrySet()) {
            builder.label(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : stringMap(metadata, metaPath.field("annotations")).entrySet()) {
            builder.annotation(e.getKey(), e.getValue());
        }

        FieldPath specPath = top.field("spec");
        JsonNode spec = required(pod, specPath, "a Pod needs a spec with its containers");
        object(spec, specPath, "spec is a mapping");
        fields(spec, specPath, SPEC, SPEC_REFUSED, "a Pod's spec");
        for (Item item : list(spec, specPath.field("initContainers"))) {
            builder.initContainer(container(item.node(), item.path()));
        }
        for (Item item : list(spec, specPath.field("containers"))) {
            builder.container(container(item.node(), item.path()));
        }
        for (Item item : list(spec, specPath.field("volumes"))) {
            builder.volume(volume(item.node(), item.path()));
        }
        String restart = string(spec, specPath.field("restartPolicy"));
        if (restart != null) {
            builder.restartPolicy(oneOf(RestartPolicy.values(), RestartPolicy::kubeName, restart,
                    specPath.field("restartPolicy")));
        }
        builder.hostNetwork(bool(spec, specPath.field("hostNetwork"), false));
        builder.hostname(string(spec, specPath.field("hostname")));
        builder.shareProcessNamespace(bool(spec, specPath.field("shareProcessNamespace"), false));
        onlyDefault(spec, specPath.field("hostPID"), false,
                "jrun's pods always have their own pid namespace: remove it, or set it to false");
        onlyDefault(spec, specPath.field("hostIPC"), false,
                "jrun's pods always have their own IPC namespace: remove it, or set it to false");
        // podman kube generate writes enableServiceLinks: false; jrun injects no service variables
        onlyDefault(spec, specPath.field("enableServiceLinks"), false,
                "jrun has no Services to put in the environment: remove it, or set it to false");
        onlyDefault(spec, specPath.field("automountServiceAccountToken"), false,
                "jrun has no service account token to mount: remove it, or set it to false");
        String dnsPolicy = string(spec, specPath.field("dnsPolicy"));
        if (dnsPolicy != null && !dnsPolicy.equals("ClusterFirst") && !dnsPolicy.equals("Default")) {
            throw new FieldException(specPath.field("dnsPolicy"), specPath.field("dnsPolicy") + " \"" + dnsPolicy + "\""
                    + NOT_SUPPORTED + "the pod gets jrun's DNS setup; remove it, or use ClusterFirst or Default");
        }
        return builder.build();
    }

    private static KubeContainer container(JsonNode node, FieldPath path) throws FieldException {
        object(node, path, "a container is a mapping with name and image");
        fields(node, path, CONTAINER, CONTAINER_REFUSED, "a Kubernetes container");
        KubeContainer.Builder builder = KubeContainer.builder(string(node, path.field("name")), string(node, path.field("image")));
        builder.command(strings(node, path.field("command")));
        builder.args(strings(node, path.field("args")));
        for (Item item : list(node, path.field("env"))) {
            JsonNode env = object(item.node(), item.path(), "an env entry is a mapping with name and value");
            fields(env, item.path(), ENV, ENV_REFUSED, "an env entry");
            builder.env(string(env, item.path().field("name")), string(env, item.path().field("value")));
        }
        builder.workingDir(string(node, path.field("workingDir")));
        for (Item item : list(node, path.field("ports"))) {
            builder.port(port(item.node(), item.path()));
        }
        for (Item item : list(node, path.field("volumeMounts"))) {
            JsonNode mount = object(item.node(), item.path(), "a volume mount is a mapping with name and mountPath");
            fields(mount, item.path(), MOUNT, MOUNT_REFUSED, "a volume mount");
            builder.volumeMount(new VolumeMount(string(mount, item.path().field("name")),
                    string(mount, item.path().field("mountPath")), bool(mount, item.path().field("readOnly"), false),
                    string(mount, item.path().field("subPath"))));
        }
        JsonNode security = node.get("securityContext");
        if (present(security)) {
            builder.securityContext(securityContext(security, path.field("securityContext")));
        }
        JsonNode resources = node.get("resources");
        if (present(resources)) {
            builder.limits(limits(resources, path.field("resources")));
        }
        String pull = string(node, path.field("imagePullPolicy"));
        if (pull != null) {
            builder.imagePullPolicy(oneOf(PullPolicy.values(), PullPolicy::kubeName, pull, path.field("imagePullPolicy")));
        }
        // podman kube generate writes stdin and tty; jrun play starts its apps detached, with no terminal
        String detached = "jrun play starts its apps detached, without a terminal or stdin: remove it, or set it to false";
        onlyDefault(node, path.field("stdin"), false, detached);
        onlyDefault(node, path.field("stdinOnce"), false, detached);
        onlyDefault(node, path.field("tty"), false, detached);
        return builder.build();
    }

    private static ContainerPort port(JsonNode node, FieldPath path) throws FieldException {
        object(node, path, "a port is a mapping with containerPort");
        fields(node, path, PORT, Map.of(), "a container port");
        Long containerPort = integer(node, path.field("containerPort"), 0, 65535);
        Long hostPort = integer(node, path.field("hostPort"), 0, 65535);
        String protocol = string(node, path.field("protocol"));
        return new ContainerPort(string(node, path.field("name")), containerPort == null ? 0 : containerPort.intValue(),
                hostPort == null ? 0 : hostPort.intValue(),
                protocol == null ? null : oneOf(ContainerPort.Protocol.values(), Enum::name, protocol, path.field("protocol")),
                string(node, path.field("hostIP")));
    }

    private static KubeVolume volume(JsonNode node, FieldPath path) throws FieldException {
        object(node, path, "a volume is a mapping with name and hostPath or emptyDir");
        String name = string(node, path.field("name"));
        for (String field : names(node)) {
            if (!VOLUME.contains(field)) {
                throw new FieldException(path.field(field), path.field(field) + ": " + field + " volumes are not"
                        + " supported by jrun play: use hostPath (a host directory) or emptyDir (a directory for the pod)");
            }
        }
        JsonNode hostPath = node.get("hostPath");
        JsonNode emptyDir = node.get("emptyDir");
        if (present(hostPath) == present(emptyDir)) {
            throw new FieldException(path, path + (present(hostPath) ? " has both hostPath and emptyDir: give one"
                    : " has no source: give hostPath (a host directory) or emptyDir (a directory for the pod)"));
        }
        if (present(hostPath)) {
            FieldPath p = path.field("hostPath");
            object(hostPath, p, "hostPath is a mapping with path and type");
            fields(hostPath, p, HOST_PATH, Map.of(), "a hostPath volume");
            String type = string(hostPath, p.field("type"));
            return new KubeVolume.HostPath(name, string(hostPath, p.field("path")),
                    type == null ? null : oneOf(KubeVolume.HostPathType.values(), KubeVolume.HostPathType::kubeName,
                            type, p.field("type")));
        }
        FieldPath p = path.field("emptyDir");
        object(emptyDir, p, "emptyDir is a mapping ({} for the defaults)");
        fields(emptyDir, p, EMPTY_DIR, Map.of(), "an emptyDir volume");
        String medium = string(emptyDir, p.field("medium"));
        if (medium != null && !medium.isEmpty() && !medium.equals("Memory")) {
            throw new FieldException(p.field("medium"), p.field("medium") + " \"" + medium + "\"" + NOT_SUPPORTED
                    + "use \"\" (a directory) or Memory (a tmpfs)");
        }
        return new KubeVolume.EmptyDir(name, "Memory".equals(medium), quantity(emptyDir, p.field("sizeLimit")));
    }

    private static KubeSecurityContext securityContext(JsonNode node, FieldPath path) throws FieldException {
        object(node, path, "securityContext is a mapping");
        fields(node, path, SECURITY, SECURITY_REFUSED, "a container's securityContext");
        List<String> add = List.of();
        List<String> drop = List.of();
        JsonNode caps = node.get("capabilities");
        if (present(caps)) {
            FieldPath p = path.field("capabilities");
            object(caps, p, "capabilities is a mapping with add and drop");
            fields(caps, p, CAPABILITIES, Map.of(), "capabilities");
            add = strings(caps, p.field("add"));
            drop = strings(caps, p.field("drop"));
        }
        String procMount = string(node, path.field("procMount"));
        if (procMount != null && !procMount.equals("Default") && !procMount.equals("Unmasked")) {
            throw new FieldException(path.field("procMount"), path.field("procMount") + " must be Default or Unmasked, not \""
                    + procMount + "\"");
        }
        // podman writes seLinuxOptions {type: spc_t} for --security-opt label=disable: jrun applies no
        // SELinux label at all, which is what spc_t asks for. Any other label would be silently lost.
        JsonNode selinux = node.get("seLinuxOptions");
        FieldPath selinuxPath = path.field("seLinuxOptions");
        if (present(selinux)) {
            object(selinux, selinuxPath, "seLinuxOptions is a mapping");
            for (String field : names(selinux)) {
                JsonNode value = selinux.get(field);
                boolean unlabelled = field.equals("type") && value.isTextual() && value.asText().equals("spc_t");
                if (present(value) && !unlabelled) {
                    throw new FieldException(selinuxPath.field(field), selinuxPath.field(field) + NOT_SUPPORTED
                            + "jrun applies no SELinux labels: remove it");
                }
            }
        }
        // seccompProfile RuntimeDefault is what jrun applies to every app anyway
        JsonNode seccomp = node.get("seccompProfile");
        FieldPath seccompPath = path.field("seccompProfile");
        if (present(seccomp)) {
            object(seccomp, seccompPath, "seccompProfile is a mapping with type");
            fields(seccomp, seccompPath, Set.of("type"), Map.of("localhostProfile", "use type RuntimeDefault"),
                    "seccompProfile");
            String type = string(seccomp, seccompPath.field("type"));
            if (!"RuntimeDefault".equals(type)) {
                throw new FieldException(seccompPath.field("type"), seccompPath.field("type") + " \"" + type + "\""
                        + NOT_SUPPORTED + "jrun play applies its default seccomp profile to every app; use RuntimeDefault"
                        + " or remove it");
            }
        }
        return new KubeSecurityContext(integer(node, path.field("runAsUser"), null, null),
                integer(node, path.field("runAsGroup"), null, null),
                boolOrNull(node, path.field("readOnlyRootFilesystem")), boolOrNull(node, path.field("privileged")),
                boolOrNull(node, path.field("allowPrivilegeEscalation")), add, drop, "Unmasked".equals(procMount));
    }

    private static ResourceLimits limits(JsonNode node, FieldPath path) throws FieldException {
        object(node, path, "resources is a mapping with limits");
        fields(node, path, RESOURCES, RESOURCES_REFUSED, "resources");
        JsonNode limits = node.get("limits");
        FieldPath p = path.field("limits");
        if (!present(limits)) {
            return ResourceLimits.NONE;
        }
        object(limits, p, "limits is a mapping with cpu and memory");
        for (String field : names(limits)) {
            if (!field.equals("cpu") && !field.equals("memory")) {
                throw new FieldException(p.key(field), p.key(field) + NOT_SUPPORTED
                        + "jrun play limits cpu and memory only; remove it");
            }
        }
        return new ResourceLimits(quantity(limits, p.field("cpu")), quantity(limits, p.field("memory")));
    }

    // ---- structure and types

    private record Item(JsonNode node, FieldPath path) {
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Refuses every field of {@code node} that is not in {@code supported}. */
    private static void fields(JsonNode node, FieldPath path, Set<String> supported, Map<String, String> refused,
                               String what) throws FieldException {
        for (String field : names(node)) {
            if (supported.contains(field)) {
                continue;
            }
            FieldPath p = path.field(field);
            String reason = refused.get(field);
            JsonNode value = node.get(field);
            if (reason != null && (!present(value) || (value.isContainerNode() && value.isEmpty()))) {
                // a Kubernetes field left empty asks for nothing: podman and kubectl write some (dnsConfig: {})
                continue;
            }
            throw new FieldException(p, reason != null ? p + NOT_SUPPORTED + reason
                    : p + " is not a field of " + what + " that jrun play knows: check its spelling and place"
                    + " (docs/play.md lists what jrun play reads)");
        }
    }

    private static JsonNode object(JsonNode node, FieldPath path, String expected) throws FieldException {
        if (node == null || !node.isObject()) {
            throw new FieldException(path, path + " must be a mapping: " + expected);
        }
        return node;
    }

    private static JsonNode required(JsonNode parent, FieldPath path, String fix) throws FieldException {
        JsonNode node = parent.get(last(path));
        if (!present(node)) {
            throw new FieldException(path, path + " is missing: " + fix);
        }
        return node;
    }

    private static String last(FieldPath path) {
        String d = path.display();
        return d.substring(d.lastIndexOf('.') + 1);
    }

    private static void tolerateEmpty(JsonNode parent, FieldPath path, String why) throws FieldException {
        JsonNode node = parent.get(last(path));
        if (present(node) && !(node.isObject() && node.isEmpty())) {
            throw new FieldException(path, path + NOT_SUPPORTED + why + ": remove it");
        }
    }

    /** A field jrun only takes at Kubernetes' default value, which podman or kubectl write out. */
    private static void onlyDefault(JsonNode parent, FieldPath path, boolean value, String fix) throws FieldException {
        if (bool(parent, path, value) != value) {
            throw new FieldException(path, path + ": " + !value + NOT_SUPPORTED + fix);
        }
    }

    private static String string(JsonNode parent, FieldPath path) throws FieldException {
        return text(parent.get(last(path)), path);
    }

    private static String text(JsonNode node, FieldPath path) throws FieldException {
        if (!present(node)) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isNumber() || node.isBoolean()) {
            String value = node.isNumber() ? node.decimalValue().toPlainString() : node.asText();
            throw new FieldException(path, path + " must be a string, and YAML reads " + value + " as a "
                    + (node.isNumber() ? "number" : "boolean") + ": quote it (\"" + value + "\")");
        }
        throw new FieldException(path, path + " must be a string, not a " + (node.isArray() ? "list" : "mapping"));
    }

    private static List<String> strings(JsonNode parent, FieldPath path) throws FieldException {
        List<String> values = new ArrayList<>();
        for (Item item : list(parent, path)) {
            String value = text(item.node(), item.path());
            if (value == null) {
                throw new FieldException(item.path(), item.path() + " is empty: give a string (\"\" for an empty one)");
            }
            values.add(value);
        }
        return values;
    }

    private static List<Item> list(JsonNode parent, FieldPath path) throws FieldException {
        JsonNode node = parent.get(last(path));
        List<Item> items = new ArrayList<>();
        if (!present(node)) {
            return items;
        }
        if (!node.isArray()) {
            throw new FieldException(path, path + " must be a list (YAML \"- item\" lines)");
        }
        for (int i = 0; i < node.size(); i++) {
            items.add(new Item(node.get(i), path.index(i)));
        }
        return items;
    }

    private static Map<String, String> stringMap(JsonNode parent, FieldPath path) throws FieldException {
        JsonNode node = parent.get(last(path));
        Map<String, String> map = new LinkedHashMap<>();
        if (!present(node)) {
            return map;
        }
        object(node, path, "key: value lines");
        for (String key : names(node)) {
            String value = text(node.get(key), path.key(key));
            map.put(key, value == null ? "" : value);
        }
        return map;
    }

    private static boolean bool(JsonNode parent, FieldPath path, boolean absent) throws FieldException {
        Boolean value = boolOrNull(parent, path);
        return value == null ? absent : value;
    }

    private static Boolean boolOrNull(JsonNode parent, FieldPath path) throws FieldException {
        JsonNode node = parent.get(last(path));
        if (!present(node)) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new FieldException(path, path + " must be true or false, not " + node);
        }
        return node.booleanValue();
    }

    /** An integer field; {@code min} and {@code max} bound it when given. */
    private static Long integer(JsonNode parent, FieldPath path, Integer min, Integer max) throws FieldException {
        JsonNode node = parent.get(last(path));
        if (!present(node)) {
            return null;
        }
        BigDecimal value = node.isNumber() ? node.decimalValue() : null;
        long number;
        try {
            number = value == null ? -1 : value.longValueExact();
        } catch (ArithmeticException e) {
            value = null;
            number = -1;
        }
        if (value == null) {
            throw new FieldException(path, path + " must be a whole number, not " + node);
        }
        if ((min != null && number < min) || (max != null && number > max)) {
            throw new FieldException(path, path + " must be " + min + "-" + max + ", not " + number);
        }
        return number;
    }

    private static Quantity quantity(JsonNode parent, FieldPath path) throws FieldException {
        JsonNode node = parent.get(last(path));
        if (!present(node)) {
            return null;
        }
        if (node.isNumber()) {
            return Quantity.of(node.decimalValue());
        }
        if (!node.isTextual()) {
            throw new FieldException(path, path + " must be a quantity such as 500m, 64Mi or 1G, not " + node);
        }
        try {
            return Quantity.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw new FieldException(path, path + ": " + e.getMessage());
        }
    }

    private static <E> E oneOf(E[] values, java.util.function.Function<E, String> kubeName, String given, FieldPath path)
            throws FieldException {
        List<String> names = new ArrayList<>();
        for (E value : values) {
            if (kubeName.apply(value).equals(given)) {
                return value;
            }
            names.add(kubeName.apply(value));
        }
        throw new FieldException(path, path + " must be one of " + String.join(", ", names.stream()
                .map(n -> n.isEmpty() ? "\"\"" : n).toList()) + ", not \"" + given + "\"");
    }
}
