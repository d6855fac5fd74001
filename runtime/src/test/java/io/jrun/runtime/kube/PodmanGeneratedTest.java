package io.jrun.runtime.kube;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.jrun.runtime.kube.KubeManifestsTest.read;
import static io.jrun.runtime.kube.KubeManifestsTest.refusal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Manifests as podman kube generate (3.x, 4.x and 5.x) and kubectl run --dry-run write them: the
 * fields they emit are either supported or tolerated by name as the harmless defaults they are
 * (docs/play.md, "Tolerated defaults"); what asks for a behaviour jrun play does not apply is refused.
 */
class PodmanGeneratedTest {
    /** podman 4.x/5.x: podman kube generate of podman run --cap-drop … -p 8080:8080 -v /srv/web:/data:Z. */
    static final String PODMAN_5 = """
            # Save the output of this file and use kubectl create -f to import
            # it into Kubernetes.
            #
            # Created with podman-5.4.2
            apiVersion: v1
            kind: Pod
            metadata:
              annotations:
                bind-mount-options/srv/web: Z
                io.containers.trace-logging/web: "false"
                io.podman.annotations.autoremove/web: "FALSE"
                io.podman.annotations.init/web: "FALSE"
                io.podman.annotations.privileged/web: "FALSE"
                io.podman.annotations.publish-all/web: "FALSE"
              creationTimestamp: "2025-06-02T09:14:51Z"
              labels:
                app: web-pod
              name: web-pod
            spec:
              automountServiceAccountToken: false
              containers:
              - args:
                - httpd
                - -f
                - -p
                - "8080"
                env:
                - name: GREETING
                  value: hello
                image: docker.io/library/busybox:latest
                name: web
                ports:
                - containerPort: 8080
                  hostPort: 8080
                securityContext:
                  capabilities:
                    drop:
                    - CAP_MKNOD
                    - CAP_NET_RAW
                    - CAP_AUDIT_WRITE
                  procMount: Unmasked
                  runAsGroup: 1000
                  runAsUser: 1000
                volumeMounts:
                - mountPath: /data
                  name: srv-web-host-0
              enableServiceLinks: false
              hostname: web
              restartPolicy: Never
              volumes:
              - hostPath:
                  path: /srv/web
                  type: Directory
                name: srv-web-host-0
            """;

    /** podman 3.x wrote every default out, status included. */
    static final String PODMAN_3 = """
            # Created with podman-3.0.1
            apiVersion: v1
            kind: Pod
            metadata:
              annotations:
                io.kubernetes.cri-o.ContainerType/db: container
                io.kubernetes.cri-o.SandboxID/db: 5e7c3b29a2d1f06a4f1b3a9a1f3f8d43c7b1c1e1e5e0a5e1e8b9e6f1b2c3d4e5
                io.kubernetes.cri-o.TTY/db: "false"
                io.podman.annotations.autoremove/db: "FALSE"
                io.podman.annotations.init/db: "FALSE"
                io.podman.annotations.privileged/db: "FALSE"
                io.podman.annotations.publish-all/db: "FALSE"
              creationTimestamp: 2021-03-18T16:26:08Z
              labels:
                app: db
              name: db
            spec:
              containers:
              - command:
                - sleep
                - "3600"
                env:
                - name: PATH
                  value: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
                - name: TERM
                  value: xterm
                - name: container
                  value: podman
                - name: HOSTNAME
                image: docker.io/library/busybox:latest
                name: db
                resources: {}
                securityContext:
                  allowPrivilegeEscalation: true
                  capabilities: {}
                  privileged: false
                  readOnlyRootFilesystem: false
                  seLinuxOptions: {}
                stdin: false
                tty: false
                workingDir: /
              dnsConfig: {}
              restartPolicy: Never
            status: {}
            """;

    /** kubectl run web --image=busybox --dry-run=client -o yaml. */
    static final String KUBECTL = """
            apiVersion: v1
            kind: Pod
            metadata:
              creationTimestamp: null
              labels:
                run: web
              name: web
            spec:
              containers:
              - image: busybox
                name: web
                resources: {}
              dnsPolicy: ClusterFirst
              restartPolicy: Always
            status: {}
            """;

    @Test
    void podman5OutputIsRead() throws ManifestException {
        KubePod pod = read(PODMAN_5).pod();
        assertThat(pod.name()).isEqualTo("web-pod");
        assertThat(pod.annotations()).containsKey("bind-mount-options/srv/web").hasSize(6);
        assertThat(pod.restartPolicy()).isEqualTo(RestartPolicy.NEVER);
        assertThat(pod.hostname()).isEqualTo("web");
        KubeContainer web = pod.containers().getFirst();
        assertThat(web.args()).containsExactly("httpd", "-f", "-p", "8080");
        assertThat(web.command()).as("the image's entrypoint").isEmpty();
        assertThat(web.ports()).containsExactly(new ContainerPort(null, 8080, 8080, ContainerPort.Protocol.TCP, null));
        assertThat(web.securityContext().capabilitiesDrop()).containsExactly("CAP_MKNOD", "CAP_NET_RAW", "CAP_AUDIT_WRITE");
        assertThat(web.securityContext().unmaskedProc()).isTrue();
        assertThat(web.securityContext().runAsUser()).isEqualTo(1000L);
        assertThat(pod.volumes()).containsExactly(
                new KubeVolume.HostPath("srv-web-host-0", "/srv/web", KubeVolume.HostPathType.DIRECTORY));
    }

    @Test
    void podman3OutputWithEveryDefaultIsRead() throws ManifestException {
        KubePod pod = read(PODMAN_3).pod();
        KubeContainer db = pod.containers().getFirst();
        assertThat(db.command()).containsExactly("sleep", "3600");
        assertThat(db.env()).extracting(EnvVar::name).containsExactly("PATH", "TERM", "container", "HOSTNAME");
        assertThat(db.workingDir()).isEqualTo("/");
        assertThat(db.securityContext()).isEqualTo(new KubeSecurityContext(null, null, false, false, true, List.of(),
                List.of(), false));
        assertThat(db.limits()).isEqualTo(ResourceLimits.NONE);
    }

    @Test
    void kubectlDryRunOutputIsRead() throws ManifestException {
        KubePod pod = read(KUBECTL).pod();
        assertThat(pod.labels()).containsEntry("run", "web");
        assertThat(pod.restartPolicy()).isEqualTo(RestartPolicy.ALWAYS);
    }

    @Test
    void theServiceOfKubeGenerateServiceIsRefused() {
        String service = """
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  creationTimestamp: "2025-06-02T09:14:51Z"
                  labels:
                    app: web-pod
                  name: web-pod
                spec:
                  ports:
                  - name: "8080"
                    nodePort: 31269
                    port: 8080
                    targetPort: 8080
                  selector:
                    app: web-pod
                  type: NodePort
                """;
        assertThat(refusal(PODMAN_5 + service)).isEqualTo("pod.yaml:56: document 2 is a Service, which jrun play does not"
                + " support: it takes one Pod; remove the Service from the file");
    }

    @Test
    void podmanSwitchesThatAskForABehaviourAreRefused() {
        assertThat(refusal(PODMAN_5.replace("io.podman.annotations.init/web: \"FALSE\"", "io.podman.annotations.init/web: \"TRUE\"")))
                .isEqualTo("pod.yaml:12: metadata.annotations[\"io.podman.annotations.init/web\"]: \"TRUE\" is not"
                        + " supported by jrun play: jrun has no init process for apps; remove the annotation");
        assertThat(refusal(PODMAN_5.replace("io.podman.annotations.privileged/web: \"FALSE\"",
                "io.podman.annotations.privileged/web: \"TRUE\""))).contains("use the container's securityContext.privileged: true");
        assertThat(refusal(PODMAN_5.replace("  creationTimestamp:", "    io.podman.annotations.userns: auto\n  creationTimestamp:")))
                .contains("metadata.annotations[\"io.podman.annotations.userns\"] asks podman for a behaviour jrun play"
                        + " does not apply: remove it");
        assertThat(refusal(PODMAN_5.replace("  creationTimestamp:", "    io.containers.autoupdate/web: registry\n  creationTimestamp:")))
                .contains("metadata.annotations[\"io.containers.autoupdate/web\"] is not supported by jrun play: jrun has no auto-update");
        assertThat(refusal(PODMAN_5.replace("  creationTimestamp:",
                "    seccomp.security.alpha.kubernetes.io/pod: unconfined\n  creationTimestamp:"))).contains(
                "metadata.annotations[\"seccomp.security.alpha.kubernetes.io/pod\"]: \"unconfined\" is not supported by jrun play");
        assertThat(refusal(PODMAN_5.replace("bind-mount-options/srv/web: Z", "bind-mount-options/srv/web: shared")))
                .contains("metadata.annotations[\"bind-mount-options/srv/web\"]: \"shared\" is not supported by jrun play");
    }

    @Test
    void podmansTerminalIsRefusedAndItsSeLinuxDisableTolerated() throws ManifestException {
        assertThat(refusal(PODMAN_3.replace("tty: false", "tty: true"))).contains(
                "spec.containers[0].tty: true is not supported by jrun play: jrun play starts its apps detached");
        assertThat(refusal(PODMAN_3.replace("stdin: false", "stdin: true"))).contains("spec.containers[0].stdin: true");
        // --security-opt label=disable: podman writes seLinuxOptions type spc_t, the unconfined type; jrun labels nothing
        assertThat(read(PODMAN_3.replace("seLinuxOptions: {}", "seLinuxOptions:\n          type: spc_t")).pod()
                .containers().getFirst().name()).isEqualTo("db");
        assertThat(refusal(PODMAN_3.replace("dnsConfig: {}", "dnsConfig:\n    nameservers: [10.0.0.1]")))
                .contains("spec.dnsConfig is not supported by jrun play: jrun play does not edit the pod's resolv.conf");
        assertThat(refusal(PODMAN_3.replace("status: {}", "status:\n  phase: Running"))).contains("status is not supported");
        assertThat(refusal(PODMAN_5.replace("enableServiceLinks: false", "enableServiceLinks: true"))).contains(
                "spec.enableServiceLinks: true is not supported by jrun play: jrun has no Services");
        assertThat(refusal(KUBECTL.replace("dnsPolicy: ClusterFirst", "dnsPolicy: None"))).contains(
                "spec.dnsPolicy \"None\" is not supported by jrun play");
    }
}
