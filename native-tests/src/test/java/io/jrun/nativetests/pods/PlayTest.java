package io.jrun.nativetests.pods;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jrun play FILE.yaml} and {@code jrun play --down FILE.yaml} with the real CLI, as root,
 * against the real kernel: a Kubernetes Pod of two containers sharing a hostPath and two
 * emptyDirs (one on disk, one in memory) runs detached, app by app under conmon; --down leaves
 * nothing: no mount, nsfs file, cgroup, process, unit or pod directory.
 */
@ExtendWith(HostLeftAsItWas.class)
class PlayTest {
    @TempDir
    static Path state;
    static JrunCli jrun;
    /** The test busybox image's ID in the store: a manifest names its image as a registry reference. */
    static String busybox;

    @TempDir
    Path dir;

    @BeforeAll
    static void image() throws Exception {
        jrun = new JrunCli(state);
        String location = jrun.fetchBusybox();
        String list = PodCli.ok(jrun, "image", "list").stdout();
        Matcher id = Pattern.compile(Pattern.quote(location) + "\\s+([0-9a-f]{12})\\s").matcher(list);
        assertThat(id.find()).as("the image's ID in\n" + list).isTrue();
        busybox = id.group(1);
    }

    private static JrunCli.Result ok(String... args) throws Exception {
        return PodCli.ok(jrun, args);
    }

    private static List<String> mountsUnder(Path path) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(path.toString())).toList();
    }

    private static List<Path> podDirs() throws Exception {
        return PodCli.entries(state.resolve("pods/apps")).stream().filter(Files::isDirectory).toList();
    }

    /** Ends on SIGTERM (the app is its pid namespace's init: no default action) and otherwise idles. */
    private static final String IDLE = "trap 'exit 0' TERM; while :; do sleep 0.1; done";

    private String manifest(String host) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: duo
                spec:
                  restartPolicy: Never
                  containers:
                  - name: writer
                    image: %1$s
                    command: ["sh", "-c"]
                    args:
                    - echo from the writer > /shared/note; echo in memory > /mem/note; cat /host/file > /shared/from-host;
                      touch /shared/done; %2$s
                    volumeMounts:
                    - name: shared
                      mountPath: /shared
                    - name: mem
                      mountPath: /mem
                    - name: host
                      mountPath: /host
                      readOnly: true
                  - name: reader
                    image: %1$s
                    command: ["sh", "-c"]
                    args:
                    - until [ -e /in/done ]; do sleep 0.1; done;
                      { cat /in/note /mem/note /in/from-host /host/file;
                      if touch /in/mine 2>/dev/null; then echo emptyDir writable; else echo emptyDir read-only; fi;
                      grep " /mem " /proc/mounts | cut -d' ' -f3; } > /host/seen.tmp && mv /host/seen.tmp /host/seen; %2$s
                    volumeMounts:
                    - name: shared
                      mountPath: /in
                      readOnly: true
                    - name: mem
                      mountPath: /mem
                    - name: host
                      mountPath: /host
                  volumes:
                  - name: shared
                    emptyDir: {}
                  - name: mem
                    emptyDir:
                      medium: Memory
                      sizeLimit: 1Mi
                  - name: host
                    hostPath:
                      path: %3$s
                      type: Directory
                """.formatted(busybox, IDLE, host);
    }

    @Test
    void twoContainersShareAHostPathAndEmptyDirsAndDownLeavesNothing() throws Exception {
        Path host = Files.createDirectories(dir.resolve("host"));
        Files.writeString(host.resolve("file"), "from the host\n");
        Path yaml = Files.writeString(dir.resolve("duo.yaml"), manifest(host.toString()));

        String uuid = ok("play", yaml.toString()).stdout().strip();
        assertThat(uuid).matches("[0-9a-f-]{36}");
        Path pod = state.resolve("pods/apps").resolve(uuid);
        assertThat(PodCli.status(jrun, "duo", "state")).isEqualTo("running");
        assertThat(PodCli.status(jrun, "duo", "apps")).isEqualTo("writer,reader");
        assertThat(pod.resolve("volumes/shared")).as("the disk emptyDir, the pod's").isDirectory();
        assertThat(mountsUnder(pod)).as("net, ipc, uts and the in-memory emptyDir").hasSize(4)
                .anySatisfy(l -> assertThat(l).contains(pod.resolve("volumes/mem") + " ").contains(" tmpfs ")
                        .contains("size=1024k"));

        Path seen = host.resolve("seen");
        for (int i = 0; i < 6000 && !Files.exists(seen); i++) {
            Thread.sleep(10);
        }
        assertThat(seen).as("written by the reader into the hostPath").exists();
        assertThat(Files.readString(seen)).isEqualTo("""
                from the writer
                in memory
                from the host
                from the host
                emptyDir read-only
                tmpfs
                """);
        assertThat(host).as("the writer mounts the hostPath read-only, the reader writes it")
                .isDirectoryContaining(p -> p.getFileName().toString().equals("seen"));

        List<Path> units = new ArrayList<>();
        List<Path> cgroups = new ArrayList<>();
        for (String app : List.of("writer", "reader")) {
            Path unit = state.resolve("pods/run").resolve(PodCli.status(jrun, "duo", "app." + app + ".unit"));
            units.add(unit);
            Path cgroup = Path.of(Files.readString(unit.resolve("cgroup")).strip());
            assertThat(cgroup).as(app + "'s cgroup").isDirectory();
            cgroups.add(cgroup);
        }

        assertThat(ok("play", "--down", yaml.toString()).stdout()).isEqualTo(uuid + "\n");
        assertThat(mountsUnder(pod)).as("nsfs files and the tmpfs unmounted").isEmpty();
        assertThat(pod).as("the pod's directory, its emptyDirs with it").doesNotExist();
        assertThat(podDirs()).isEmpty();
        assertThat(units).allSatisfy(u -> assertThat(u).as("the apps' units").doesNotExist());
        assertThat(cgroups).allSatisfy(c -> assertThat(c).as("the apps' cgroups").doesNotExist());
        assertThat(PodCli.entries(state.resolve("pods/run"))).isEmpty();
        HostLeftAsItWas.assertNoProcessLeft(50);
        assertThat(Files.readString(host.resolve("file"))).as("the hostPath is the host's").isEqualTo("from the host\n");

        JrunCli.Result again = jrun.run("play", "--down", yaml.toString());
        assertThat(again.exitCode()).isEqualTo(125);
        assertThat(again.stderr()).isEqualTo("jrun: no pod named duo (" + yaml + "'s metadata.name): nothing to take down;"
                + " jrun list --apps shows the pods\n");
    }

    @Test
    void whatADetachedPlayCannotDoIsRefusedBeforeAnythingIsMade() throws Exception {
        Path host = Files.createDirectories(dir.resolve("host"));
        String pod = manifest(host.toString());

        Path always = Files.writeString(dir.resolve("always.yaml"), pod.replace("  restartPolicy: Never\n", ""));
        JrunCli.Result r = jrun.run("play", always.toString());
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jrun: " + always + ": spec.restartPolicy Always (the default) restarts apps,"
                + " which needs a supervisor that stays, and conmon does not restart: run it with jrun play --foreground,"
                + " or write restartPolicy: Never\n");

        Path port = Files.writeString(dir.resolve("port.yaml"), pod.replace("    volumeMounts:\n    - name: shared\n"
                + "      mountPath: /shared\n", "    ports:\n    - containerPort: 80\n      hostPort: 8080\n"
                + "    volumeMounts:\n    - name: shared\n      mountPath: /shared\n"));
        r = jrun.run("play", port.toString());
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jrun: " + port + ": spec.containers[0].ports[0].hostPort: publishing ports needs"
                + " CNI networking, not yet in jrun: remove hostPort (the pod's apps reach each other on localhost),"
                + " or use hostNetwork: true\n");

        Path missing = Files.writeString(dir.resolve("missing.yaml"), manifest(dir.resolve("nowhere").toString()));
        r = jrun.run("play", missing.toString());
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jrun: " + missing + ": spec.volumes[2].hostPath: " + dir.resolve("nowhere")
                + " is not there (type Directory): give the path of a Directory, or change its type\n");

        assertThat(podDirs()).as("no pod made").isEmpty();
        assertThat(PodCli.entries(state.resolve("pods/run"))).as("no unit made").isEmpty();
    }
}
