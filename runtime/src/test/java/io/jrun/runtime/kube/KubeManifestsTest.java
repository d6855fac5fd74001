package io.jrun.runtime.kube;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubeManifestsTest {
    /** The sidecar pod of docs/play.md: an app and a log shipper sharing an emptyDir, a hostPath, an init container. */
    static final String SIDECAR = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels:
                app: web
              annotations:
                example.com/owner: ops
            spec:
              restartPolicy: OnFailure
              hostname: web-1
              initContainers:
              - name: migrate
                image: docker.io/library/busybox:1.36
                command: ["sh", "-c", "echo migrated > /srv/state/migrated"]
                volumeMounts:
                - name: state
                  mountPath: /srv/state
              containers:
              - name: app
                image: docker.io/library/busybox:1.36
                command: ["sh", "-c"]
                args:
                - while true; do echo "$(date) hit on $(PORT)" >> /var/log/app/access.log; sleep 5; done
                env:
                - name: PORT
                  value: "8080"
                - name: LISTEN
                  value: 0.0.0.0:$(PORT)
                workingDir: /srv
                ports:
                - containerPort: 8080
                  hostPort: 18080
                  hostIP: 127.0.0.1
                - name: metrics
                  containerPort: 9090
                  protocol: UDP
                volumeMounts:
                - name: logs
                  mountPath: /var/log/app
                - name: state
                  mountPath: /srv/state
                  readOnly: true
                  subPath: current
                securityContext:
                  runAsUser: 1000
                  runAsGroup: 1000
                  readOnlyRootFilesystem: true
                  allowPrivilegeEscalation: false
                  capabilities:
                    drop: [ALL]
                    add: [net_bind_service]
                resources:
                  limits:
                    cpu: 500m
                    memory: 64Mi
                imagePullPolicy: IfNotPresent
              - name: shipper
                image: docker.io/library/busybox:1.36
                command: ["tail", "-F", "/logs/access.log"]
                volumeMounts:
                - name: logs
                  mountPath: /logs
                  readOnly: true
                resources:
                  limits:
                    cpu: 0.1
                    memory: 129e6
              volumes:
              - name: logs
                emptyDir:
                  medium: Memory
                  sizeLimit: 16Mi
              - name: state
                hostPath:
                  path: /var/lib/web
                  type: DirectoryOrCreate
            """;

    static ValidatedPod read(String yaml) throws ManifestException {
        return KubeManifests.read(yaml.getBytes(StandardCharsets.UTF_8), "pod.yaml");
    }

    static String refusal(String yaml) {
        ManifestException e = org.junit.jupiter.api.Assertions.assertThrows(ManifestException.class, () -> read(yaml));
        assertThat(e.getMessage()).as("one line").doesNotContain("\n").startsWith("pod.yaml");
        assertThat(e.getMessage()).as("no Jackson internals").doesNotContain("Source:", "jackson", "snakeyaml", "Exception");
        return e.getMessage();
    }

    /** A pod of one container "app", with {@code specLines} added to spec and {@code containerLines} to the container. */
    static String pod(String specLines, String containerLines) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                spec:
                %s  containers:
                  - name: app
                    image: busybox
                %s""".formatted(indent(specLines, 2), indent(containerLines, 4));
    }

    static String container(String containerLines) {
        return pod("", containerLines);
    }

    private static String indent(String lines, int spaces) {
        return lines.isEmpty() ? "" : lines.stripIndent().indent(spaces);
    }

    @Test
    void theSidecarPodIsReadWhole() throws ManifestException {
        ValidatedPod validated = read(SIDECAR);
        KubePod pod = validated.pod();
        assertThat(pod.name()).isEqualTo("web");
        assertThat(pod.labels()).containsExactly(Map.entry("app", "web"));
        assertThat(pod.annotations()).containsExactly(Map.entry("example.com/owner", "ops"));
        assertThat(pod.restartPolicy()).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(pod.hostname()).isEqualTo("web-1");
        assertThat(pod.hostNetwork()).isFalse();
        assertThat(pod.volumes()).containsExactly(
                new KubeVolume.EmptyDir("logs", true, Quantity.parse("16Mi")),
                new KubeVolume.HostPath("state", "/var/lib/web", KubeVolume.HostPathType.DIRECTORY_OR_CREATE));

        assertThat(pod.initContainers()).singleElement().satisfies(init -> {
            assertThat(init.name()).isEqualTo("migrate");
            assertThat(init.command()).containsExactly("sh", "-c", "echo migrated > /srv/state/migrated");
            assertThat(init.volumeMounts()).containsExactly(new VolumeMount("state", "/srv/state", false, null));
        });
        assertThat(validated.apps()).extracting(KubeContainer::name).containsExactly("migrate", "app", "shipper");

        KubeContainer app = pod.containers().get(0);
        assertThat(app.image()).isEqualTo("docker.io/library/busybox:1.36");
        assertThat(app.command()).containsExactly("sh", "-c");
        assertThat(app.args()).as("$(PORT) expanded, $(date) left to the shell").containsExactly(
                "while true; do echo \"$(date) hit on 8080\" >> /var/log/app/access.log; sleep 5; done");
        assertThat(app.env()).containsExactly(new EnvVar("PORT", "8080"), new EnvVar("LISTEN", "0.0.0.0:8080"));
        assertThat(app.workingDir()).isEqualTo("/srv");
        assertThat(app.ports()).containsExactly(
                new ContainerPort(null, 8080, 18080, ContainerPort.Protocol.TCP, "127.0.0.1"),
                new ContainerPort("metrics", 9090, 0, ContainerPort.Protocol.UDP, null));
        assertThat(app.volumeMounts()).containsExactly(new VolumeMount("logs", "/var/log/app", false, null),
                new VolumeMount("state", "/srv/state", true, "current"));
        assertThat(app.securityContext()).isEqualTo(new KubeSecurityContext(1000L, 1000L, true, null, false,
                List.of("CAP_NET_BIND_SERVICE"), List.of("ALL"), false));
        assertThat(app.limits().cpuMillis()).hasValue(500);
        assertThat(app.limits().memoryBytes()).hasValue(64L << 20);
        assertThat(app.imagePullPolicy()).isEqualTo(PullPolicy.IF_NOT_PRESENT);
        assertThat(app.imagePullPolicy().jrunPull()).isEqualTo("missing");

        KubeContainer shipper = pod.containers().get(1);
        assertThat(shipper.limits().cpuMillis()).as("cpu: 0.1, a YAML number").hasValue(100);
        assertThat(shipper.limits().memoryBytes()).as("memory: 129e6, a YAML number").hasValue(129_000_000);
        assertThat(shipper.securityContext()).isEqualTo(KubeSecurityContext.DEFAULT);
        assertThat(shipper.imagePullPolicy()).isNull();
        // both apps mount the one emptyDir
        assertThat(validated.volume(app.volumeMounts().get(0))).isSameAs(validated.volume(shipper.volumeMounts().get(0)));
    }

    @Test
    void theSidecarExampleOfTheDocsIsValid() throws Exception {
        // docs/play.md shows it to users: it must stay a manifest jrun play takes
        Path doc = Path.of("..", "docs", "play.md");
        assertThat(doc).as("run from the runtime module").exists();
        String text = Files.readString(doc);
        int section = text.indexOf("## A sidecar example");
        int start = text.indexOf("```yaml\n", section) + "```yaml\n".length();
        String yaml = text.substring(start, text.indexOf("```\n", start));
        ValidatedPod pod = read(yaml);
        assertThat(pod.apps()).extracting(KubeContainer::name).containsExactly("prepare", "app", "shipper");
        KubeContainer app = pod.pod().containers().get(0);
        KubeContainer shipper = pod.pod().containers().get(1);
        assertThat(app.command()).containsExactly("httpd", "-f", "-p", "8080", "-h", "/srv/www");
        assertThat(pod.volume(app.volumeMounts().get(0))).isEqualTo(new KubeVolume.EmptyDir("logs", true, Quantity.parse("32Mi")))
                .isSameAs(pod.volume(shipper.volumeMounts().get(0)));
        assertThat(shipper.volumeMounts().get(0).readOnly()).isTrue();
    }

    @Test
    void aFileOnDiskIsReadAndAMissingOneIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, SIDECAR);
        assertThat(KubeManifests.read(file).pod().name()).isEqualTo("web");
        Path missing = dir.resolve("none.yaml");
        assertThatThrownBy(() -> KubeManifests.read(missing)).isInstanceOf(ManifestException.class)
                .hasMessage(missing + ": no such file: give the path of a Kubernetes Pod manifest (YAML)");
    }

    @Test
    void restartPolicyDefaultsToAlwaysAndMapsPerApp() throws ManifestException {
        KubePod pod = read(container("")).pod();
        assertThat(pod.restartPolicy()).isEqualTo(RestartPolicy.ALWAYS);
        assertThat(RestartPolicy.ALWAYS.forApp()).isEqualTo(RestartPolicy.AppRestart.ALWAYS);
        assertThat(RestartPolicy.ALWAYS.forInitApp()).isEqualTo(RestartPolicy.AppRestart.ON_FAILURE);
        assertThat(RestartPolicy.ON_FAILURE.forApp()).isEqualTo(RestartPolicy.AppRestart.ON_FAILURE);
        assertThat(RestartPolicy.NEVER.forApp()).isEqualTo(RestartPolicy.AppRestart.NO);
        assertThat(RestartPolicy.NEVER.forInitApp()).isEqualTo(RestartPolicy.AppRestart.NO);
        assertThat(read(pod("restartPolicy: Never\nhostNetwork: true\nshareProcessNamespace: true\n", "")).pod())
                .satisfies(p -> {
                    assertThat(p.restartPolicy()).isEqualTo(RestartPolicy.NEVER);
                    assertThat(p.hostNetwork()).isTrue();
                    assertThat(p.shareProcessNamespace()).isTrue();
                });
    }

    @Test
    void envWithoutValueIsEmptyAndNullsAreAbsent() throws ManifestException {
        KubeContainer c = read(container("""
                env:
                - name: HOSTNAME
                - name: EMPTY
                  value: ""
                command:
                workingDir: ~
                """)).pod().containers().getFirst();
        assertThat(c.env()).containsExactly(new EnvVar("HOSTNAME", ""), new EnvVar("EMPTY", ""));
        assertThat(c.command()).isEmpty();
        assertThat(c.workingDir()).isNull();
    }

    // ---- documents

    @Test
    void otherKindsAreRefusedByKind() {
        String service = """
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                """;
        assertThat(refusal(container("") + service)).isEqualTo(
                "pod.yaml:10: document 2 is a Service, which jrun play does not support: it takes one Pod;"
                        + " remove the Service from the file");
        assertThat(refusal("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n")).isEqualTo(
                "pod.yaml:1: document 1 is a Deployment, which jrun play does not support yet: it takes one Pod;"
                        + " write the Deployment's spec.template as a Pod");
        assertThat(refusal(container("") + "---\n" + container(""))).isEqualTo(
                "pod.yaml:10: document 2 is a second Pod: jrun play runs one pod per file; put it in a file of its own");
        assertThat(refusal("apiVersion: v1\nmetadata:\n  name: x\n"))
                .isEqualTo("pod.yaml:1: document 1 has no kind: jrun play takes a Pod (kind: Pod, apiVersion: v1)");
        assertThat(refusal(container("").replace("apiVersion: v1", "apiVersion: v2")))
                .isEqualTo("pod.yaml:1: document 1: apiVersion \"v2\" is not the Pod's: write apiVersion: v1");
        assertThat(refusal("# nothing\n---\n")).isEqualTo(
                "pod.yaml: holds no Pod: jrun play takes a file with one Kubernetes Pod (apiVersion: v1, kind: Pod)");
        assertThat(refusal("- a\n- b\n")).startsWith("pod.yaml:1: document 1 is not a mapping");
    }

    @Test
    void emptyDocumentsAroundThePodAreSkipped() throws ManifestException {
        assertThat(read("---\n" + container("") + "---\n").pod().name()).isEqualTo("p");
    }

    @Test
    void yamlSyntaxErrorsAreOneLineWithLineAndColumn() {
        assertThat(refusal("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n labels: {}\n")).isEqualTo(
                "pod.yaml:5:2: not valid YAML: expected <block end>, but found '<block mapping start>'"
                        + " (while parsing a block mapping at line 1): check the indentation and quoting there");
        assertThat(refusal("apiVersion: v1\nkind: Pod: x\n")).isEqualTo(
                "pod.yaml:2:10: not valid YAML: mapping values are not allowed here: check the indentation and quoting there");
        assertThat(refusal("apiVersion: v1\nkind: [Pod\n")).startsWith(
                "pod.yaml:3:1: not valid YAML: expected ',' or ']', but got <stream end> (while parsing a flow sequence at line 2)");
        assertThat(refusal("apiVersion: v1\nkind: \"Pod\n")).startsWith("pod.yaml:3:1: not valid YAML: found unexpected end of stream");
        assertThat(refusal("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: p\n")).startsWith(
                "pod.yaml:4:1: not valid YAML: found character '\\t(TAB)' that cannot start any token.");
    }

    @Test
    void duplicateKeysAndAliasesAreRefused() {
        assertThat(refusal(container("image: other\n"))).isEqualTo(
                "pod.yaml:9: the key \"image\" is given twice in one mapping: keep one");
        assertThat(refusal(pod("", "env:\n- name: A\n  value: &v x\n- name: B\n  value: *v\n"))).isEqualTo(
                "pod.yaml:13: YAML aliases (*v) are not supported by jrun play: write the value out where the alias is");
    }

    // ---- refusals by name, each with its path and line

    @Test
    void unknownAndUnsupportedFieldsAreRefusedByName() {
        String probe = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                spec:
                  containers:
                  - name: a
                    image: busybox
                  - name: b
                    image: busybox
                    livenessProbe:
                      exec:
                        command: [true]
                """;
        assertThat(refusal(probe)).isEqualTo("pod.yaml:11: spec.containers[1].livenessProbe is not supported by jrun play:"
                + " jrun play runs no probes: remove it");
        assertThat(refusal(container("imagePullpolicy: Always\n"))).isEqualTo("pod.yaml:9: spec.containers[0].imagePullpolicy"
                + " is not a field of a Kubernetes container that jrun play knows: check its spelling and place"
                + " (docs/play.md lists what jrun play reads)");
        assertThat(refusal(pod("nodeSelector:\n  disk: ssd\n", ""))).isEqualTo("pod.yaml:6: spec.nodeSelector is not"
                + " supported by jrun play: jrun runs the pod on this host and has no scheduler: remove it");
        assertThat(refusal(container("").replace("  name: p\n", "  name: p\n  namespace: default\n")))
                .isEqualTo("pod.yaml:5: metadata.namespace is not supported by jrun play: jrun has no namespaces: remove it");
        assertThat(refusal(container("envFrom:\n- configMapRef:\n    name: c\n"))).contains(
                "spec.containers[0].envFrom is not supported by jrun play: jrun has no ConfigMaps or Secrets");
        assertThat(refusal(container("resources:\n  requests:\n    cpu: 1\n"))).isEqualTo("pod.yaml:10:"
                + " spec.containers[0].resources.requests is not supported by jrun play: jrun applies limits only:"
                + " remove requests, or set them as limits");
        assertThat(refusal(container("resources:\n  limits:\n    nvidia.com/gpu: 1\n"))).isEqualTo("pod.yaml:11:"
                + " spec.containers[0].resources.limits[\"nvidia.com/gpu\"] is not supported by jrun play: jrun play"
                + " limits cpu and memory only; remove it");
        assertThat(refusal(container("securityContext:\n  runAsNonRoot: true\n"))).contains(
                "spec.containers[0].securityContext.runAsNonRoot is not supported by jrun play");
        assertThat(refusal(container("volumeMounts:\n- name: v\n  mountPath: /v\n  mountPropagation: Bidirectional\n")))
                .contains("spec.containers[0].volumeMounts[0].mountPropagation is not supported by jrun play");
        assertThat(refusal(pod("initContainers:\n- name: side\n  image: busybox\n  restartPolicy: Always\n", "")))
                .isEqualTo("pod.yaml:9: spec.initContainers[0].restartPolicy is not supported by jrun play: a container's"
                        + " own restart policy (Kubernetes' native sidecars) is not supported: set spec.restartPolicy,"
                        + " and put a sidecar in spec.containers");
        assertThat(refusal(container("").replace("kind: Pod\n", "kind: Pod\nstatus:\n  phase: Running\n")))
                .isEqualTo("pod.yaml:3: status is not supported by jrun play: it is reported by Kubernetes, not read: remove it");
    }

    @Test
    void envValueFromIsRefused() {
        assertThat(refusal(container("""
                env:
                - name: PASSWORD
                  valueFrom:
                    secretKeyRef:
                      name: db
                      key: password
                """))).isEqualTo("pod.yaml:11: spec.containers[0].env[0].valueFrom is not supported by jrun play: jrun has"
                + " no ConfigMaps, Secrets or downward API: give the variable's value under value");
    }

    @Test
    void volumesOfOtherTypesAreRefused() {
        for (String type : List.of("configMap:\n    name: c", "secret:\n    secretName: s",
                "persistentVolumeClaim:\n    claimName: data", "nfs:\n    server: x\n    path: /")) {
            String name = type.substring(0, type.indexOf(':'));
            assertThat(refusal(pod("volumes:\n- name: v\n  " + type + "\n", ""))).isEqualTo("pod.yaml:8:"
                    + " spec.volumes[0]." + name + ": " + name + " volumes are not supported by jrun play: use hostPath"
                    + " (a host directory) or emptyDir (a directory for the pod)");
        }
        assertThat(refusal(pod("volumes:\n- name: v\n", ""))).isEqualTo("pod.yaml:7: spec.volumes[0] has no source:"
                + " give hostPath (a host directory) or emptyDir (a directory for the pod)");
        assertThat(refusal(pod("volumes:\n- name: v\n  emptyDir:\n    medium: HugePages\n", ""))).contains(
                "spec.volumes[0].emptyDir.medium \"HugePages\" is not supported by jrun play: use \"\" (a directory) or"
                        + " Memory (a tmpfs)");
        assertThat(refusal(pod("volumes:\n- name: v\n  hostPath:\n    path: data\n", ""))).isEqualTo("pod.yaml:9:"
                + " spec.volumes[0].hostPath.path \"data\" is relative: give the absolute path of a host directory or file");
        assertThat(refusal(pod("volumes:\n- name: v\n  hostPath:\n    path: /d\n    type: Dir\n", ""))).contains(
                "spec.volumes[0].hostPath.type must be one of \"\", DirectoryOrCreate, Directory, FileOrCreate, File,"
                        + " Socket, CharDevice, BlockDevice, not \"Dir\"");
        assertThat(refusal(pod("volumes:\n- name: v\n  emptyDir: {}\n- name: v\n  emptyDir: {}\n", ""))).isEqualTo(
                "pod.yaml:9: spec.volumes[1].name: two volumes are named \"v\": give each volume its own name");
    }

    @Test
    void aVolumeMountNamingNoVolumeIsRefused() {
        assertThat(refusal(pod("volumes:\n- name: logs\n  emptyDir: {}\n",
                "volumeMounts:\n- name: log\n  mountPath: /logs\n"))).isEqualTo("pod.yaml:13:"
                + " spec.containers[0].volumeMounts[0].name \"log\" names no volume: add it to spec.volumes (hostPath or"
                + " emptyDir) or mount one of [logs]");
        assertThat(refusal(pod("volumes:\n- name: v\n  emptyDir: {}\n",
                "volumeMounts:\n- name: v\n  mountPath: v\n"))).contains(
                "spec.containers[0].volumeMounts[0].mountPath \"v\" is relative: give an absolute path in the container");
        assertThat(refusal(pod("volumes:\n- name: v\n  emptyDir: {}\n",
                "volumeMounts:\n- name: v\n  mountPath: /v\n- name: v\n  mountPath: /v/\n"))).contains(
                "spec.containers[0].volumeMounts[1].mountPath: two volumes are mounted at /v/: mount one there");
        assertThat(refusal(pod("volumes:\n- name: v\n  emptyDir: {}\n",
                "volumeMounts:\n- name: v\n  mountPath: /v\n  subPath: ../etc\n"))).contains(
                "spec.containers[0].volumeMounts[0].subPath \"../etc\" must be a relative path inside the volume, without '..'");
    }

    @Test
    void containerNamesMustBeDns1123AndUnique() {
        assertThat(refusal(container("").replace("name: app", "name: My_App"))).isEqualTo("pod.yaml:7:"
                + " spec.containers[0].name \"My_App\" is not a valid container name: use at most 63 lowercase letters,"
                + " digits and '-', starting and ending with a letter or digit (Kubernetes' DNS-1123 label)");
        assertThat(refusal(container("").replace("name: app", "name: " + "a".repeat(64)))).contains("is not a valid container name");
        assertThat(refusal(pod("initContainers:\n- name: app\n  image: busybox\n", ""))).isEqualTo("pod.yaml:10:"
                + " spec.containers[0].name: two containers are named \"app\" (init containers included): give each"
                + " container its own name");
        assertThat(refusal(container("").replace("  - name: app\n", "  - image: x\n").replace("    image: busybox\n", "")))
                .isEqualTo("pod.yaml:7: spec.containers[0].name is missing: name the container");
    }

    @Test
    void aMissingOrBadImageIsRefused() {
        assertThat(refusal(container("").replace("    image: busybox\n", ""))).isEqualTo("pod.yaml:7:"
                + " spec.containers[0].image is missing: give the container's image, such as docker.io/library/busybox:latest");
        assertThat(refusal(container("").replace("image: busybox", "image: Busy Box"))).startsWith(
                "pod.yaml:8: spec.containers[0].image: invalid image reference \"Busy Box\"");
    }

    @Test
    void portsAreChecked() {
        assertThat(refusal(container("ports:\n- hostPort: 8080\n"))).isEqualTo("pod.yaml:10:"
                + " spec.containers[0].ports[0].containerPort is missing for hostPort 8080: give the port the app listens"
                + " on (1-65535)");
        assertThat(refusal(container("ports:\n- containerPort: 70000\n"))).isEqualTo("pod.yaml:10:"
                + " spec.containers[0].ports[0].containerPort must be 0-65535, not 70000");
        assertThat(refusal(container("ports:\n- containerPort: \"80\"\n"))).isEqualTo("pod.yaml:10:"
                + " spec.containers[0].ports[0].containerPort must be a whole number, not \"80\"");
        assertThat(refusal(container("ports:\n- containerPort: 80\n  protocol: tcp\n"))).contains(
                "spec.containers[0].ports[0].protocol must be one of TCP, UDP, SCTP, not \"tcp\"");
        assertThat(refusal(container("ports:\n- containerPort: 80\n  hostPort: 80\n  hostIP: localhost\n"))).contains(
                "spec.containers[0].ports[0].hostIP \"localhost\" is not an IP address");
        assertThat(refusal(container("ports:\n- containerPort: 80\n  hostIP: 127.0.0.1\n"))).contains(
                "spec.containers[0].ports[0].hostIP is set without a hostPort");
        assertThat(refusal(container("ports:\n- containerPort: 80\n  hostPort: 8080\n- containerPort: 81\n  hostPort: 8080\n")))
                .contains("spec.containers[0].ports[1].hostPort: host port 8080/TCP is already published by"
                        + " spec.containers[0].ports[0]: publish each host port once");
        assertThat(refusal(pod("hostNetwork: true\n", "ports:\n- containerPort: 80\n  hostPort: 8080\n"))).contains(
                "spec.containers[0].ports[0].hostPort 8080 differs from containerPort 80, but with spec.hostNetwork");
    }

    @Test
    void typesAreChecked() {
        assertThat(refusal(container("env:\n- name: PORT\n  value: 8080\n"))).isEqualTo("pod.yaml:11:"
                + " spec.containers[0].env[0].value must be a string, and YAML reads 8080 as a number: quote it (\"8080\")");
        assertThat(refusal(container("args: [--verbose, yes]\n"))).isEqualTo("pod.yaml:9:"
                + " spec.containers[0].args[1] must be a string, and YAML reads true as a boolean: quote it (\"true\")");
        assertThat(refusal(container("command: sh -c date\n"))).contains(
                "spec.containers[0].command must be a list (YAML \"- item\" lines)");
        assertThat(refusal(pod("hostNetwork: \"true\"\n", ""))).contains("spec.hostNetwork must be true or false, not \"true\"");
        assertThat(refusal(pod("restartPolicy: always\n", ""))).contains(
                "spec.restartPolicy must be one of Always, OnFailure, Never, not \"always\"");
        assertThat(refusal(container("imagePullPolicy: Sometimes\n"))).contains(
                "spec.containers[0].imagePullPolicy must be one of Always, IfNotPresent, Never, not \"Sometimes\"");
        assertThat(refusal(container("").replace("  name: p\n", "  name: p\n  labels:\n    enabled: true\n")))
                .contains("metadata.labels[\"enabled\"] must be a string, and YAML reads true as a boolean");
        assertThat(refusal("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n")).isEqualTo(
                "pod.yaml:1: spec is missing: a Pod needs a spec with its containers");
        assertThat(refusal("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n")).isEqualTo(
                "pod.yaml:6: spec.containers is empty: a pod needs at least one container with a name and an image");
    }

    @Test
    void podNamesAndHostnamesAreChecked() {
        assertThat(refusal(container("").replace("name: p\n", "name: My_Pod\n"))).contains(
                "metadata.name \"My_Pod\" is not a valid pod name");
        assertThat(refusal(container("").replace("metadata:\n  name: p\n", "metadata:\n  labels: {}\n")))
                .isEqualTo("pod.yaml:3: metadata.name is missing: name the pod");
        assertThat(refusal(pod("hostname: web.example\n", ""))).contains(
                "spec.hostname \"web.example\" is not a valid host name");
    }

    @Test
    void securityContextIsChecked() {
        assertThat(refusal(container("securityContext:\n  capabilities:\n    add: [NET_FLY]\n"))).isEqualTo("pod.yaml:11:"
                + " unknown capability 'NET_FLY' in spec.containers[0].securityContext.capabilities.add[0]: use a name from"
                + " capabilities(7) such as NET_ADMIN or CAP_NET_ADMIN, or ALL");
        assertThat(refusal(container("securityContext:\n  capabilities:\n    add: [NET_ADMIN]\n    drop: [cap_net_admin]\n")))
                .contains("spec.containers[0].securityContext.capabilities: CAP_NET_ADMIN is both added and dropped");
        assertThat(refusal(container("securityContext:\n  privileged: true\n  allowPrivilegeEscalation: false\n")))
                .contains("spec.containers[0].securityContext.allowPrivilegeEscalation false contradicts privileged: true");
        assertThat(refusal(container("securityContext:\n  runAsUser: -1\n"))).contains(
                "spec.containers[0].securityContext.runAsUser -1 is not a valid id: give 0-4294967294");
        assertThat(refusal(container("securityContext:\n  seLinuxOptions:\n    level: s0:c1\n"))).contains(
                "spec.containers[0].securityContext.seLinuxOptions.level is not supported by jrun play: jrun applies no"
                        + " SELinux labels");
        assertThat(refusal(container("securityContext:\n  seccompProfile:\n    type: Unconfined\n"))).contains(
                "spec.containers[0].securityContext.seccompProfile.type \"Unconfined\" is not supported by jrun play");
        assertThat(refusal(pod("hostPID: true\n", ""))).isEqualTo("pod.yaml:6: spec.hostPID: true is not supported by"
                + " jrun play: jrun's pods always have their own pid namespace: remove it, or set it to false");
        assertThat(refusal(container("tty: true\n"))).isEqualTo("pod.yaml:9: spec.containers[0].tty: true is not supported"
                + " by jrun play: jrun play starts its apps detached, without a terminal or stdin: remove it, or set it to false");
    }

    @Test
    void privilegedAndProcMountAreSupported() throws ManifestException {
        KubeSecurityContext s = read(container("securityContext:\n  privileged: true\n  procMount: Unmasked\n"
                + "  allowPrivilegeEscalation: true\n  seccompProfile:\n    type: RuntimeDefault\n"))
                .pod().containers().getFirst().securityContext();
        assertThat(s.privileged()).isTrue();
        assertThat(s.allowPrivilegeEscalation()).isTrue();
        assertThat(s.unmaskedProc()).isTrue();
    }

    @Test
    void limitsAreChecked() {
        assertThat(refusal(container("resources:\n  limits:\n    memory: 500m\n"))).isEqualTo("pod.yaml:11:"
                + " spec.containers[0].resources.limits.memory 500m is not a whole number of bytes (the suffix m means"
                + " thousandths: write M for megabytes, or Mi): write it as 64Mi, 1G or 134217728");
        assertThat(refusal(container("resources:\n  limits:\n    memory: 1Mi\n"))).contains(
                "spec.containers[0].resources.limits.memory 1Mi is below jrun's minimum of 6Mi");
        assertThat(refusal(container("resources:\n  limits:\n    memory: 64MB\n"))).isEqualTo("pod.yaml:11:"
                + " spec.containers[0].resources.limits.memory: \"64MB\" is not a Kubernetes quantity: write a number with"
                + " an optional suffix, such as 500m, 0.5, 64Mi, 1G or 129e6");
        assertThat(refusal(container("resources:\n  limits:\n    cpu: 0.0001\n"))).contains(
                "spec.containers[0].resources.limits.cpu 0.0001 is not a CPU limit: give a positive number of CPUs no finer than 1m");
        assertThat(refusal(container("resources:\n  limits:\n    cpu: -1\n"))).contains("limits.cpu -1 is not a CPU limit");
        assertThat(refusal(container("resources:\n  limits:\n    cpu: 5m\n"))).contains(
                "spec.containers[0].resources.limits.cpu 5m is below jrun's minimum of 10m (0.01 CPU)");
        assertThat(refusal(pod("volumes:\n- name: v\n  emptyDir:\n    sizeLimit: 1.5\n", ""))).contains(
                "spec.volumes[0].emptyDir.sizeLimit 1.5 is not a whole, non-negative number of bytes");
    }

    @Test
    void aPodBuiltInCodeIsValidatedTheSameWay() throws ManifestException {
        KubePod pod = KubePod.builder("api").container(KubeContainer.builder("app", "busybox")
                .env("N", "1").args(List.of("$(N)")).build()).build();
        assertThat(KubeManifests.validate(pod).pod().containers().getFirst().args()).containsExactly("1");
        KubePod bad = KubePod.builder("api").container(KubeContainer.builder("app", "busybox")
                .volumeMount(new VolumeMount("data", "/data", false, null)).build()).build();
        assertThatThrownBy(() -> KubeManifests.validate(bad)).isInstanceOf(ManifestException.class).hasMessage(
                "spec.containers[0].volumeMounts[0].name \"data\" names no volume: add it to spec.volumes (hostPath or"
                        + " emptyDir) or mount one of them (there are none)");
    }
}
