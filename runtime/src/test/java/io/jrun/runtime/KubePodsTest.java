package io.jrun.runtime;

import io.jrun.runtime.cgroup.CgroupLimits;
import io.jrun.runtime.kube.KubeManifests;
import io.jrun.runtime.kube.ManifestException;
import io.jrun.runtime.kube.ValidatedPod;
import io.jrun.runtime.prepare.MountSpec;
import io.jrun.runtime.prepare.Network;
import io.jrun.runtime.prepare.RunRequest;
import io.jrun.runtime.prepare.SecurityOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** jrun play's translation of a Kubernetes Pod into the pod engine's request (pure), and the hostPath type checks. */
class KubePodsTest {
    private static final String WEB = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              hostname: web-1
              initContainers:
              - name: migrate
                image: busybox
                command: ["sh", "-c", "echo migrated > /srv/state/migrated"]
                volumeMounts:
                - name: state
                  mountPath: /srv/state
              containers:
              - name: app
                image: busybox
                command: ["httpd", "-f"]
                args: ["-p", "$(PORT)"]
                env:
                - name: PORT
                  value: "8080"
                workingDir: /srv
                ports:
                - containerPort: 8080
                volumeMounts:
                - name: logs
                  mountPath: /var/log/app
                - name: state
                  mountPath: /srv/state
                  readOnly: true
                  subPath: current
                securityContext:
                  runAsUser: 1000
                  runAsGroup: 2000
                  readOnlyRootFilesystem: true
                  allowPrivilegeEscalation: false
                  capabilities:
                    drop: [ALL]
                    add: [net_bind_service]
                resources:
                  limits:
                    cpu: 500m
                    memory: 64Mi
              - name: shipper
                image: docker.io/library/busybox:1.36
                args: ["tail", "-F", "/logs/access.log"]
                volumeMounts:
                - name: logs
                  mountPath: /logs
                  readOnly: true
                securityContext:
                  privileged: true
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

    private static ValidatedPod read(String yaml) throws ManifestException {
        return KubeManifests.read(yaml.getBytes(StandardCharsets.UTF_8), "pod.yaml");
    }

    private static PodRequest request(String yaml) throws ManifestException {
        return KubePods.request(read(yaml));
    }

    @Test
    void containersBecomeAppsInitContainersInitAppsFirstWithTheirOptions() throws Exception {
        PodRequest pod = request(WEB);
        assertThat(pod.name()).isEqualTo("web");
        assertThat(pod.hostname()).isEqualTo("web-1");
        assertThat(pod.network()).isEqualTo(Network.NONE);
        assertThat(pod.apps()).extracting(AppRequest::name).containsExactly("migrate", "app", "shipper");
        assertThat(pod.initApps()).extracting(AppRequest::name).containsExactly("migrate");
        assertThat(pod.volumes()).containsExactly(new PodVolume("logs", true, 16L << 20));

        RunRequest migrate = pod.apps().get(0).process();
        assertThat(migrate.entrypoint()).isEqualTo("sh");
        assertThat(migrate.command()).containsExactly("-c", "echo migrated > /srv/state/migrated");
        assertThat(migrate.mounts()).containsExactly(new MountSpec.Bind(Path.of("/var/lib/web"), "/srv/state", false));

        AppRequest app = pod.apps().get(1);
        RunRequest p = app.process();
        assertThat(p.image()).isEqualTo("busybox");
        assertThat(p.entrypoint()).as("command replaces the Entrypoint").isEqualTo("httpd");
        assertThat(p.command()).as("the rest of command, then args, $(PORT) expanded").containsExactly("-f", "-p", "8080");
        assertThat(p.env()).containsExactly("PORT=8080");
        assertThat(p.workingDir()).isEqualTo("/srv");
        assertThat(p.user()).isEqualTo("1000:2000");
        assertThat(p.readOnly()).isTrue();
        assertThat(p.security()).isEqualTo(new SecurityOptions(false, List.of("CAP_NET_BIND_SERVICE"), List.of("ALL"), true,
                List.of()));
        assertThat(p.limits()).isEqualTo(new CgroupLimits(64L << 20, null, 0.5, null, null, null, null));
        assertThat(p.mounts()).as("a hostPath with subPath: a bind mount of the path below it")
                .containsExactly(new MountSpec.Bind(Path.of("/var/lib/web/current"), "/srv/state", true));
        assertThat(app.volumeMounts()).containsExactly(new PodVolume.Mount("logs", "/var/log/app", false));
        assertThat(p.name()).as("the pod's: the engine names the unit POD.APP").isNull();

        RunRequest shipper = pod.apps().get(2).process();
        assertThat(shipper.entrypoint()).as("args alone keep the image's Entrypoint").isNull();
        assertThat(shipper.command()).containsExactly("tail", "-F", "/logs/access.log");
        assertThat(shipper.user()).isNull();
        assertThat(shipper.readOnly()).isFalse();
        assertThat(shipper.security().privileged()).isTrue();
        assertThat(shipper.limits()).isEqualTo(CgroupLimits.NONE);
        assertThat(pod.apps().get(2).volumeMounts()).containsExactly(new PodVolume.Mount("logs", "/logs", true));
    }

    @Test
    void theRestartPolicyIsEachAppsAsTheKubeletAppliesIt() throws Exception {
        PodRequest always = request(WEB); // none named: Always
        assertThat(always.apps()).extracting(a -> a.restart().toString()).containsExactly("on-failure", "always", "always");
        PodRequest onFailure = request(WEB.replace("  hostname: web-1", "  hostname: web-1\n  restartPolicy: OnFailure"));
        assertThat(onFailure.apps()).extracting(a -> a.restart().toString())
                .containsExactly("on-failure", "on-failure", "on-failure");
        PodRequest never = request(WEB.replace("  hostname: web-1", "  hostname: web-1\n  restartPolicy: Never"));
        assertThat(never.apps()).extracting(a -> a.restart().toString()).containsExactly("no", "no", "no");
    }

    @Test
    void hostNetworkAndADiskEmptyDirAndOneContainer() throws Exception {
        PodRequest pod = request("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: one
                spec:
                  hostNetwork: true
                  containers:
                  - name: app
                    image: busybox
                    volumeMounts:
                    - name: scratch
                      mountPath: /scratch
                  volumes:
                  - name: scratch
                    emptyDir: {}
                """);
        assertThat(pod.network()).isEqualTo(Network.HOST);
        assertThat(pod.hostname()).isNull();
        assertThat(pod.apps()).singleElement().satisfies(a -> {
            assertThat(a.process().command()).as("the image's Cmd").isEmpty();
            assertThat(a.process().entrypoint()).isNull();
        });
        assertThat(pod.volumes()).containsExactly(new PodVolume("scratch", false, null));
    }

    private static String refusal(String yaml) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> request(yaml));
        assertThat(e.getMessage()).as("one line").doesNotContain("\n");
        return e.getMessage();
    }

    @Test
    void shareProcessNamespaceIsJrunsSharePid() throws Exception {
        assertThat(request(WEB.replace("  hostname: web-1", "  hostname: web-1\n  shareProcessNamespace: true")).sharePid())
                .isTrue();
        assertThat(request(WEB).sharePid()).isFalse();
    }

    @Test
    void whatTheEngineCannotDoIsRefusedByItsField() {
        assertThat(refusal(WEB.replace("    - containerPort: 8080", "    - containerPort: 8080\n      hostPort: 8080")))
                .isEqualTo("spec.containers[0].ports[0].hostPort: publishing ports needs CNI networking, not yet in jrun:"
                        + " remove hostPort (the pod's apps reach each other on localhost), or use hostNetwork: true");
        assertThat(refusal(WEB.replace("      medium: Memory\n", "")))
                .startsWith("spec.volumes[0].emptyDir.sizeLimit: jrun cannot limit a directory's size");
        assertThat(refusal(WEB.replace("      runAsUser: 1000\n", "")))
                .isEqualTo("spec.containers[0].securityContext.runAsGroup: jrun sets a group with a user: give runAsUser too");
        assertThat(refusal(WEB.replace("      mountPath: /logs\n", "      mountPath: /logs\n      subPath: x\n")))
                .startsWith("spec.containers[1].volumeMounts[0].subPath: jrun mounts an emptyDir whole");
    }

    @Test
    void theSidecarExampleOfTheDocsTranslates() throws Exception {
        String text = Files.readString(Path.of("..", "docs", "play.md"));
        int section = text.indexOf("## A sidecar example");
        int start = text.indexOf("```yaml\n", section) + "```yaml\n".length();
        PodRequest pod = request(text.substring(start, text.indexOf("```\n", start)));
        assertThat(pod.apps()).extracting(AppRequest::name).containsExactly("prepare", "app", "shipper");
        assertThat(pod.apps().get(1).volumeMounts()).extracting(PodVolume.Mount::volume)
                .isEqualTo(pod.apps().get(2).volumeMounts().stream().map(PodVolume.Mount::volume).toList());
    }

    private static ValidatedPod withHostPath(Path path, String type) throws ManifestException {
        return read("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: h
                spec:
                  containers:
                  - name: app
                    image: busybox
                  volumes:
                  - name: v
                    hostPath:
                      path: %s
                      type: %s
                """.formatted(path, type));
    }

    @Test
    void hostPathTypesAreCheckedAndTheOrCreateTypesMakeWhatIsMissing(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        KubePods.checkHostPaths(withHostPath(dir, "Directory"));
        KubePods.checkHostPaths(withHostPath(file, "File"));
        assertThatThrownBy(() -> KubePods.checkHostPaths(withHostPath(dir.resolve("missing"), "Directory")))
                .hasMessage("spec.volumes[0].hostPath: " + dir.resolve("missing") + " is not there (type Directory):"
                        + " give the path of a Directory, or change its type");
        assertThatThrownBy(() -> KubePods.checkHostPaths(withHostPath(file, "Directory")))
                .hasMessageContaining(file + " is a File, not a Directory");
        assertThatThrownBy(() -> KubePods.checkHostPaths(withHostPath(dir, "Socket")))
                .hasMessageContaining(dir + " is a Directory, not a Socket");

        KubePods.checkHostPaths(withHostPath(dir.resolve("a/b"), "DirectoryOrCreate"));
        assertThat(dir.resolve("a/b")).isDirectory();
        KubePods.checkHostPaths(withHostPath(dir.resolve("new"), "FileOrCreate"));
        assertThat(dir.resolve("new")).isRegularFile().isEmptyFile();
        assertThatThrownBy(() -> KubePods.checkHostPaths(withHostPath(dir.resolve("no/file"), "FileOrCreate")))
                .hasMessageContaining("its directory does not exist");
        assertThat(dir.resolve("no")).doesNotExist();
    }
}
