package io.jrun.nativetests.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.linux.Processes;
import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.DerivedImage;
import io.jrun.nativetests.harness.TestImages;
import static io.jrun.nativetests.harness.ContainerFiles.awaitFile;
import io.jrun.nativetests.harness.TmuxTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jrun run} as users run it: the real CLI in its own JVM, as root, against the real
 * kernel, with the busybox test image (native-tests/images/build-test-images.sh lists what it
 * holds) and a copy of it with another config. After every test: the host's mount table is
 * unchanged, no process is left, and no pod is left half made.
 */
@ExtendWith(HostLeftAsItWas.class)
class RunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path state;
    @TempDir
    static Path images;
    static JrunCli jrun;
    static String busybox;
    /** busybox with User app, Entrypoint sh -c, a Cmd, WorkingDir /home/app, IMAGE_VAR and StopSignal SIGUSR1. */
    static String appImage;

    @TempDir
    Path dir;
    private String mountsBefore;

    @BeforeAll
    static void images() throws Exception {
        jrun = new JrunCli(state);
        busybox = "oci:" + TestImages.layout("busybox") + ":latest";
        Path derived = DerivedImage.withConfig(TestImages.layout("busybox"), images.resolve("app"), config -> {
            config.put("User", "app");
            config.putArray("Entrypoint").add("/bin/sh").add("-c");
            config.putArray("Cmd").add("echo cmd; id; pwd; echo $IMAGE_VAR $HOME");
            config.put("WorkingDir", "/home/app");
            config.putArray("Env").add("PATH=/usr/sbin:/usr/bin:/sbin:/bin").add("IMAGE_VAR=from-image");
            config.put("StopSignal", "SIGUSR1");
        });
        appImage = "oci:" + derived + ":latest";
        for (String image : List.of(busybox, appImage)) {
            JrunCli.Result fetched = jrun.run("fetch", "-q", image);
            assertThat(fetched.exitCode()).as(fetched.toString()).isZero();
        }
    }

    @BeforeEach
    void recordMounts() throws IOException {
        mountsBefore = Files.readString(Path.of("/proc/self/mountinfo")); // for checks while a container runs
    }

    @AfterEach
    void noPodHalfMade() throws IOException {
        assertThat(pods("tmp")).as("pods being created").isEmpty();
        assertThat(pods("prepare")).as("pods being prepared").isEmpty();
        assertThat(pods("garbage")).as("pods being deleted").isEmpty();
    }

    private static List<Path> pods(String phase) throws IOException {
        Path phaseDir = state.resolve("pods").resolve(phase);
        if (!Files.isDirectory(phaseDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(phaseDir)) {
            return s.toList();
        }
    }

    private static JrunCli.Result run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        return jrun.run(all.toArray(String[]::new));
    }

    private static JrunCli.Result sh(String script) throws Exception {
        return run("--rm", busybox, "sh", "-c", script);
    }

    @Test
    void aRelativeStateDirWorks() throws Exception {
        // the same store, named relative to jrun's working directory
        JrunCli relative = new JrunCli(state.getParent().relativize(state));
        Path out = Files.createTempFile("relative-dir", ".out");
        try {
            Process p = relative.command("run", "--rm", busybox, "echo", "relative")
                    .directory(state.getParent().toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(Files.readString(out)).isEqualTo("relative\n");
            assertThat(p.exitValue()).isZero();
        } finally {
            Files.delete(out);
        }
    }

    @Test
    void theAppIsPid1AndSeesOnlyTheContainersProcesses() throws Exception {
        JrunCli.Result r = sh("echo $$; cat /proc/1/cmdline | tr '\\0' ' '; echo; ls /proc > /tmp/proc; grep -E '^[0-9]+$' /tmp/proc");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.subList(0, 2)).containsExactly("1", "sh -c " + "echo $$; cat /proc/1/cmdline | tr '\\0' ' '; echo; "
                + "ls /proc > /tmp/proc; grep -E '^[0-9]+$' /tmp/proc ");
        // when ls ran, only sh and ls itself existed: nothing of the host's
        List<String> pids = lines.subList(2, lines.size());
        assertThat(pids).hasSize(2).startsWith("1");
        assertThat(Integer.parseInt(pids.get(1))).as("ls, a few forks into the namespace").isLessThan(10);
    }

    @Test
    void theHostnameIsThePodsOwnAndTheHostKeepsItsName() throws Exception {
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        Path uuidFile = dir.resolve("uuid");
        JrunCli.Result r = run("--rm", "--uuid-file-save", uuidFile.toString(), busybox, "sh", "-c", "hostname; cat /etc/hostname; echo $HOSTNAME");
        String uuid = Files.readString(uuidFile);
        assertThat(uuid).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        String shortId = uuid.replace("-", "").substring(0, 12);
        assertThat(r.stdout()).isEqualTo(shortId + "\n" + shortId + "\n" + shortId + "\n");

        r = run("--rm", "--hostname", "web-1.example", busybox, "sh", "-c", "hostname; grep -c web-1.example /etc/hosts");
        assertThat(r.stdout()).isEqualTo("web-1.example\n1\n");
        assertThat(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip()).isEqualTo(host);
    }

    @Test
    void theContainersMountsAreInvisibleOnTheHost() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Process p = jrun.command("run", "--rm", "-v", shared + ":/shared", busybox, "sh", "-c",
                "grep -c ' / / .* - overlay ' /proc/self/mountinfo > /shared/r; mv /shared/r /shared/ready; while [ ! -e /shared/go ]; do sleep 0.1; done")
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        try {
            awaitFile(shared.resolve("ready"), p);
            assertThat(Files.readString(shared.resolve("ready"))).as("the container's root is an overlay").isEqualTo("1\n");
            String hostMounts = Files.readString(Path.of("/proc/self/mountinfo"));
            assertThat(hostMounts).as("the host's mount table while the container runs").isEqualTo(mountsBefore);
            assertThat(hostMounts).doesNotContain(state.toString());
            Files.writeString(shared.resolve("go"), "");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("log"))).isZero();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void withNetNoneOnlyLoopbackExistsAndWithNetHostTheHostsInterfaces() throws Exception {
        JrunCli.Result none = sh("ls /sys/class/net; cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '");
        assertThat(none.stdout()).isEqualTo("lo\nlo\n");

        Set<String> hostInterfaces = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            s.forEach(p -> hostInterfaces.add(p.getFileName().toString()));
        }
        assertThat(hostInterfaces).as("this test needs a host with more than loopback").hasSizeGreaterThan(1);
        JrunCli.Result host = run("--rm", "--net=host", busybox, "ls", "/sys/class/net");
        assertThat(new TreeSet<>(host.stdout().lines().toList())).isEqualTo(hostInterfaces);
        String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        assertThat(run("--rm", "--net", "host", busybox, "hostname").stdout()).isEqualTo(hostname + "\n");
    }

    @Test
    void loopbackIsUpAndAServerInThePodAnswersAClientInThePod() throws Exception {
        // podman's --network=none: lo up (IFF_UP | IFF_LOOPBACK); it was 0x8 and 127.0.0.1 unreachable
        JrunCli.Result r = sh("cat /sys/class/net/lo/flags; echo served over loopback > /tmp/index.html; "
                + "httpd -p 127.0.0.1:8080 -h /tmp && wget -q -O - http://127.0.0.1:8080/index.html; "
                + "httpd -p '[::1]:8081' -h /tmp && wget -q -O - 'http://[::1]:8081/index.html'");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("0x9\nserved over loopback\nserved over loopback\n");
    }

    @Test
    void theImageConfigIsHonoured() throws Exception {
        JrunCli.Result r = run("--rm", appImage);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("cmd\nuid=1000(app) gid=1000(app) groups=50(staff),1000(app)\n/home/app\nfrom-image /home/app\n");
        // busybox's own config: Cmd, WorkingDir /srv, Env JRUN_TEST=1, root
        r = run("--rm", busybox);
        assertThat(r.stdout()).isEqualTo("hello from busybox\n");
        r = run("--rm", busybox, "sh", "-c", "pwd; echo $JRUN_TEST; id -u; echo $HOME; echo $PATH");
        assertThat(r.stdout()).isEqualTo("/srv\n1\n0\n/root\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
    }

    @Test
    void eachOverrideReplacesTheImagesSetting() throws Exception {
        Path envFile = dir.resolve("env");
        Files.writeString(envFile, "# a comment\nFROM_FILE=file\n\nIMAGE_VAR=from-file\nHOST_ONLY\n");
        JrunCli.Result r = jrun.withEnv(java.util.Map.of("HOST_ONLY", "host-value", "PASSED", "passed"))
                .run("run", "--rm", "--env-file", envFile.toString(), "-e", "IMAGE_VAR=from-flag", "-e", "PASSED",
                        "-e", "UNSET_ON_HOST", "-w", "/tmp/new/dir", "-u", "nobody", appImage,
                        "echo $IMAGE_VAR $FROM_FILE $HOST_ONLY $PASSED ${UNSET_ON_HOST-unset}; pwd; id");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("from-flag file host-value passed unset\n/tmp/new/dir\n"
                + "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n");

        r = run("--rm", "-u", "1000:50", "--entrypoint", "id", appImage);
        assertThat(r.stdout()).as("--entrypoint drops the image's Cmd").isEqualTo("uid=1000(app) gid=50(staff) groups=50(staff)\n");
        r = run("--rm", "-u", "4242", "--entrypoint", "", appImage, "--", "sh", "-c", "id; echo $HOME");
        assertThat(r.stdout()).as("a uid the image does not know").isEqualTo("uid=4242 gid=0(root) groups=0(root)\n/\n");
        r = run("--rm", "-u", "root:staff", busybox, "id");
        assertThat(r.stdout()).isEqualTo("uid=0(root) gid=50(staff) groups=50(staff)\n");
        r = run("--rm", appImage, "echo replaced $IMAGE_VAR");
        assertThat(r.stdout()).as("arguments replace Cmd, Entrypoint stays").isEqualTo("replaced from-image\n");
    }

    @Test
    void exitCodesAreTheAppsOrDockers() throws Exception {
        assertThat(sh("true").exitCode()).isZero();
        assertThat(sh("exit 42").exitCode()).isEqualTo(42);
        JrunCli.Result notExecutable = run("--rm", busybox, "/etc/passwd");
        assertThat(notExecutable.exitCode()).isEqualTo(126);
        assertThat(notExecutable.stderr()).startsWith("jrun: cannot execute \"/etc/passwd\"").hasLineCount(1);
        JrunCli.Result notFound = run("--rm", busybox, "no-such-command");
        assertThat(notFound.exitCode()).isEqualTo(127);
        assertThat(notFound.stderr()).startsWith("jrun: the command \"no-such-command\" was not found").hasLineCount(1);
        // pid 1 ignores signals it has no handler for, SIGKILL from the host aside: 128 + 9
        assertThat(sh("sh -c 'kill -SEGV $$'; echo $?").stdout()).as("a child's death by signal 11").isEqualTo("139\n");
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Path uuidFile = dir.resolve("uuid");
        Process p = jrun.command("run", "--uuid-file-save", uuidFile.toString(), "-v", shared + ":/shared", busybox, "sh", "-c",
                "touch /shared/ready; while :; do sleep 1; done").redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile()).start();
        try {
            awaitFile(shared.resolve("ready"), p);
            Path pod = state.resolve("pods/run").resolve(Files.readString(uuidFile));
            long pid = JSON.readTree(pod.resolve("pid.json").toFile()).get("pid").asLong();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(137);
            JsonNode exit = JSON.readTree(pod.resolve("exit.json").toFile());
            assertThat(exit.get("exitCode").asInt()).isEqualTo(137);
            assertThat(exit.get("reason").asText()).isEqualTo("signal");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void volumesAreBoundReadWriteOrReadOnlyAndTheRootCanBeReadOnly() throws Exception {
        Path rw = Files.createDirectory(dir.resolve("rw"));
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.writeString(ro.resolve("data.txt"), "host data\n");
        Path file = Files.writeString(dir.resolve("single.conf"), "one file\n");
        JrunCli.Result r = run("--rm", "-v", rw + ":/data", "-v", ro + ":/mnt/in/ro:ro", "-v", file + ":/etc/single.conf:ro",
                "--tmpfs", "/scratch:size=1m", busybox, "sh", "-c",
                "echo written > /data/out.txt && echo rw-ok; cat /mnt/in/ro/data.txt; "
                        + "(echo x > /mnt/in/ro/new.txt) 2>/dev/null && echo ro-written || echo ro-refused; cat /etc/single.conf; "
                        + "echo t > /scratch/t && grep ' /scratch ' /proc/self/mountinfo | cut -d' ' -f6,9");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("rw-ok\nhost data\nro-refused\none file\nrw,nosuid,nodev,noexec,relatime tmpfs\n");
        assertThat(rw.resolve("out.txt")).hasContent("written");
        assertThat(ro).isDirectoryNotContaining(p -> p.getFileName().toString().equals("new.txt"));

        r = run("--rm", "--read-only", "-v", rw + ":/data", busybox, "sh", "-c",
                "(echo x > /etc/x) 2>/dev/null && echo root-written || echo root-refused; echo t > /tmp/t && echo tmp-ok; "
                        + "echo again > /data/out.txt && echo volume-ok");
        assertThat(r.stdout()).isEqualTo("root-refused\ntmp-ok\nvolume-ok\n");
        assertThat(rw.resolve("out.txt")).hasContent("again");
    }

    @Test
    void layersAreMergedWithWhiteoutsAndOpaqueDirectories() throws Exception {
        JrunCli.Result r = sh("test -e /etc/motd && echo motd || echo no-motd; ls -A /opt/app; cat /etc/jrun-release /srv/layer4.txt");
        assertThat(r.stdout()).isEqualTo("no-motd\nnew.txt\njrun-test 1\n4\n");
    }

    @Test
    void theAppHasPodmansCapabilitiesAndNoNewPrivs() throws Exception {
        String caps = "00000000800405fb"; // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT SETFCAP
        JrunCli.Result r = sh("grep -E '^(Cap|NoNewPrivs|Seccomp:)' /proc/self/status; unshare -U true 2>/dev/null; echo $?");
        assertThat(r.stdout()).isEqualTo("CapInh:\t0000000000000000\nCapPrm:\t" + caps + "\nCapEff:\t" + caps
                + "\nCapBnd:\t" + caps + "\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\n1\n");
        r = run("--rm", "--security-opt", "seccomp=unconfined", busybox, "grep", "^Seccomp:", "/proc/self/status");
        assertThat(r.stdout()).isEqualTo("Seccomp:\t0\n");
        r = run("--rm", "-u", "app", busybox, "grep", "-E", "^Cap(Prm|Eff)", "/proc/self/status");
        assertThat(r.stdout()).isEqualTo("CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n");
    }

    @Test
    void sigtermToJrunReachesTheApp() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Process p = jrun.command("run", "--rm", "-v", shared + ":/shared", busybox, "sh", "-c",
                "trap 'echo got TERM; exit 7' TERM; touch /shared/ready; while :; do sleep 0.1; done")
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        try {
            awaitFile(shared.resolve("ready"), p);
            p.destroy(); // SIGTERM to jrun
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(7);
            assertThat(Files.readString(dir.resolve("log"))).isEqualTo("got TERM\n");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    /**
     * The app image's StopSignal is SIGUSR1: a stop that hard-codes SIGTERM would leave TERM in
     * the volume. Supervised (the foreground jrun records the app's code) and abandoned (that
     * jrun SIGKILLed: jrun stop and jrun gc end the app themselves), and --signal wins over it.
     */
    @Test
    void stopSendsTheImagesStopSignalOrSignalWithAndWithoutItsSupervisor() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx")); // app is uid 1000
        List<StopSignalApp> apps = new ArrayList<>();
        try {
            StopSignalApp supervised = StopSignalApp.start(shared, "supervised", apps);
            assertThat(jrun.run("stop", supervised.uuid).exitCode()).isZero();
            assertThat(shared.resolve("supervised")).hasContent("USR1");
            assertThat(supervised.jrun.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(supervised.jrun.exitValue()).as("the app's code from its USR1 trap").isEqualTo(3);

            StopSignalApp overridden = StopSignalApp.start(shared, "overridden", apps);
            assertThat(jrun.run("stop", "--signal", "TERM", overridden.uuid).exitCode()).isZero();
            assertThat(shared.resolve("overridden")).hasContent("TERM");
            assertThat(overridden.jrun.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(overridden.jrun.exitValue()).isEqualTo(4);

            StopSignalApp abandoned = StopSignalApp.start(shared, "abandoned", apps).abandon();
            JrunCli.Result stop = jrun.run("stop", abandoned.uuid);
            assertThat(stop.exitCode()).as(stop.toString()).isZero();
            assertThat(shared.resolve("abandoned")).hasContent("USR1");
            assertThat(jrun.run("status", abandoned.uuid).stdout()).contains("exit-code=unknown\n", "reason=abandoned\n",
                    "jrun stop sent SIGUSR1:");

            StopSignalApp abandonedOverridden = StopSignalApp.start(shared, "abandoned-overridden", apps).abandon();
            assertThat(jrun.run("stop", "-s", "15", abandonedOverridden.uuid).exitCode()).isZero();
            assertThat(shared.resolve("abandoned-overridden")).hasContent("TERM");

            StopSignalApp collected = StopSignalApp.start(shared, "collected", apps).abandon();
            JrunCli.Result gc = jrun.run("gc", "--mark-only");
            assertThat(gc.exitCode()).as(gc.toString()).isZero();
            assertThat(gc.stdout()).contains("marked " + collected.uuid);
            assertThat(shared.resolve("collected")).hasContent("USR1");
            for (StopSignalApp app : apps) {
                ProcessHandle.of(app.pid).ifPresent(p -> p.onExit().join());
            }
        } finally {
            for (StopSignalApp app : apps) {
                app.jrun.destroyForcibly().waitFor();
                ProcessHandle.of(app.pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        JrunCli.Result gc = jrun.run("gc", "--grace-period", "0");
        assertThat(gc.exitCode()).as(gc.toString()).isZero();
    }

    /** An app of the app image under a foreground jrun, with a trap for USR1 (exit 3) and TERM (exit 4). */
    private record StopSignalApp(Process jrun, String uuid, long pid) {
        static StopSignalApp start(Path shared, String name, List<StopSignalApp> started) throws Exception {
            Path uuidFile = shared.resolve(name + ".uuid");
            Process p = RunTest.jrun.command("run", "--uuid-file-save", uuidFile.toString(), "-v", shared + ":/shared",
                            appImage, "trap 'echo USR1 > /shared/$0; exit 3' USR1; trap 'echo TERM > /shared/$0; exit 4' TERM;"
                                    + " touch /shared/$0.ready; while :; do sleep 0.1; done", name)
                    .redirectErrorStream(true).redirectOutput(shared.resolve(name + ".log").toFile()).start();
            awaitFile(shared.resolve(name + ".ready"), p);
            String uuid = Files.readString(uuidFile);
            long pid = JSON.readTree(state.resolve("pods/run").resolve(uuid).resolve("pid.json").toFile()).get("pid").asLong();
            StopSignalApp app = new StopSignalApp(p, uuid, pid);
            started.add(app);
            return app;
        }

        /** SIGKILLs the supervising jrun: the app runs on, abandoned. */
        StopSignalApp abandon() throws Exception {
            jrun.destroyForcibly().waitFor();
            assertThat(ProcessHandle.of(pid)).as("the app outlives its jrun").isPresent();
            return this;
        }
    }

    @Test
    void thePodDirectoryRecordsTheRun() throws Exception {
        Path uuidFile = dir.resolve("uuid");
        JrunCli.Result r = run("--name", "recorded", "--uuid-file-save", uuidFile.toString(), "-e", "X=1", busybox, "sh", "-c",
                "echo data > /srv/new.txt; exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        String uuid = Files.readString(uuidFile);
        Path pod = state.resolve("pods/run").resolve(uuid);
        JsonNode manifest = JSON.readTree(pod.resolve("pod.json").toFile());
        assertThat(manifest.get("uuid").asText()).isEqualTo(uuid);
        assertThat(manifest.get("name").asText()).isEqualTo("recorded");
        assertThat(manifest.at("/image/name").asText()).isEqualTo(busybox);
        assertThat(manifest.at("/image/id").asText()).startsWith("sha256:");
        assertThat(manifest.at("/app/argv").toString()).isEqualTo("[\"sh\",\"-c\",\"echo data > /srv/new.txt; exit 3\"]");
        assertThat(manifest.at("/app/env").toString()).contains("\"X=1\"", "\"JRUN_TEST=1\"");
        assertThat(manifest.at("/app/workingDir").asText()).isEqualTo("/srv");
        assertThat(manifest.at("/app/stopSignal").asText()).isEqualTo("SIGTERM");
        JsonNode exit = JSON.readTree(pod.resolve("exit.json").toFile());
        assertThat(exit.get("exitCode").asInt()).isEqualTo(3);
        assertThat(exit.get("reason").asText()).isEqualTo("exited");
        assertThat(JSON.readTree(pod.resolve("pid.json").toFile()).get("pid").asLong()).isPositive();
        assertThat(pod.resolve("upper/srv/new.txt")).as("the container's own layer stays until the pod is removed").hasContent("data");
        assertThat(Files.readSymbolicLink(state.resolve("pods/names/recorded")).toString()).isEqualTo(uuid);

        JrunCli.Result taken = run("--name", "recorded", busybox, "true");
        assertThat(taken.exitCode()).isEqualTo(125);
        assertThat(taken.stderr()).isEqualTo("jrun: the name 'recorded' is already used by pod " + uuid
                + ": remove that pod, or choose another --name\n");

        // --rm: nothing stays
        Set<Path> before = Set.copyOf(pods("run"));
        assertThat(run("--rm", "--name", "removed", busybox, "true").exitCode()).isZero();
        assertThat(Set.copyOf(pods("run"))).isEqualTo(before);
        assertThat(state.resolve("pods/names/removed")).doesNotExist();
    }

    @Test
    void aFailedLaunchLeavesOnlyARecordOfTheFailure() throws Exception {
        Path uuidFile = dir.resolve("uuid");
        JrunCli.Result r = run("--uuid-file-save", uuidFile.toString(), busybox, "/no/such/program");
        assertThat(r.exitCode()).isEqualTo(127);
        Path pod = state.resolve("pods/run").resolve(Files.readString(uuidFile));
        JsonNode exit = JSON.readTree(pod.resolve("exit.json").toFile());
        assertThat(exit.get("exitCode").asInt()).isEqualTo(127);
        assertThat(exit.get("reason").asText()).isEqualTo("launch-failed");
        assertThat(exit.get("message").asText()).contains("/no/such/program");
        assertThat(pod.resolve("upper")).doesNotExist();
        assertThat(pod.resolve("pid.json")).doesNotExist();

        JrunCli.Result unknownUser = run("--rm", "-u", "nosuchuser", busybox, "true");
        assertThat(unknownUser.exitCode()).isEqualTo(125);
        assertThat(unknownUser.stderr()).isEqualTo("jrun: unable to find user nosuchuser: no matching entries in the image's "
                + "/etc/passwd: give a user the image has, or a numeric uid\n");
    }

    @Test
    void badArgumentsChangeNothing() throws Exception {
        Set<Path> before = Set.copyOf(pods("run"));
        String[][] bad = {
                {"-v", "relative:/x", busybox},
                {"-v", "/tmp:/proc/x", busybox},
                {"--tmpfs", "/t:bogus", busybox},
                {"--net=slirp4netns", busybox}, // not --net=bridge: valid now, it would attach to the machine's own network
                {"--net=no/such", busybox},
                {"-p", "18080:80", busybox}, // ports need a CNI network
                {"--name", "-bad", busybox},
                {"-w", "relative", busybox},
                {"--pull=never", "oci:/no/such/layout:latest"},
        };
        for (String[] args : bad) {
            JrunCli.Result r = run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(125);
            assertThat(r.stderr()).as(String.join(" ", args)).startsWith("jrun: ").hasLineCount(1);
        }
        assertThat(Set.copyOf(pods("run"))).isEqualTo(before);
    }

    @Test
    void aSigkilledJrunLeavesItsPodAbandonedAndTheHostClean() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Path uuidFile = dir.resolve("uuid");
        Process p = jrun.command("run", "--uuid-file-save", uuidFile.toString(), "-v", shared + ":/shared", busybox, "sh", "-c",
                "touch /shared/ready; while :; do sleep 1; done").redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile()).start();
        String uuid;
        long app;
        Path pod;
        try {
            awaitFile(shared.resolve("ready"), p);
            uuid = Files.readString(uuidFile);
            pod = state.resolve("pods/run").resolve(uuid);
            app = JSON.readTree(pod.resolve("pid.json").toFile()).get("pid").asLong();
            assertThat(podLockHolders(pod)).as("the supervisor's lock on the pod directory").containsExactly(p.pid());
        } finally {
            p.destroyForcibly().waitFor(); // SIGKILL: jrun cannot record anything
        }
        // The app outlives its supervisor, as with runc and crun (see docs/architecture.md):
        // the pod reads as abandoned and the host has no trace of it.
        ProcessHandle orphan = ProcessHandle.of(app).orElseThrow();
        Path cgroup = Path.of(Files.readString(pod.resolve("cgroup")).strip());
        try {
            assertThat(podLockHolders(pod)).as("the pod directory's lock went with its supervisor").isEmpty();
            assertThat(pod.resolve("exit.json")).as("no exit recorded").doesNotExist();
            JsonNode recorded = JSON.readTree(pod.resolve("pid.json").toFile());
            assertThat(recorded.get("startTime").asLong()).as("pid.json names the app that still runs, not a reuse of its pid")
                    .isEqualTo(Processes.startTime(app).orElseThrow());
            assertThat(orphan.isAlive()).isTrue();
            JrunCli.Result status = jrun.run("status", uuid);
            assertThat(status.stdout()).as(status.toString()).contains("state=exited\n", "pid=" + app + "\n")
                    .containsPattern("(?m)^reason=abandoned");
            assertThat(jrun.run("list").stdout().lines().filter(l -> l.startsWith(uuid.substring(0, 8) + " ")))
                    .as("jrun list's line for the pod").singleElement().asString().contains("exited (abandoned)");
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).isEqualTo(mountsBefore);
            // jrun gc ends the abandoned app and removes the pod with its cgroup
            JrunCli.Result gc = jrun.run("gc", "--grace-period", "0");
            assertThat(gc.exitCode()).as(gc.toString()).isZero();
            assertThat(orphan.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(pod).doesNotExist();
            assertThat(cgroup).as("the pod's cgroup").doesNotExist();
        } finally {
            orphan.destroyForcibly();
            orphan.onExit().get(60, TimeUnit.SECONDS);
        }
    }

    /** The pids holding a flock on the pod directory, from /proc/locks ("1: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE 0 EOF"). */
    private static List<Long> podLockHolders(Path pod) throws IOException {
        String inode = ":" + Files.getAttribute(pod, "unix:ino");
        List<Long> holders = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 5 && f[1].equals("FLOCK") && f[5].endsWith(inode)) {
                holders.add(Long.parseLong(f[4]));
            }
        }
        return holders;
    }

    @Test
    void ttyGivesTheAppTheUsersTerminalDrivenThroughTmux() throws Exception {
        try (TmuxTerminal terminal = TmuxTerminal.start(dir, jrun.command("run", "--rm", "-it", busybox, "sh", "-c",
                "tty; stty size; echo $TERM; echo ready; read line; echo got $line; exit 3").command())) {
            terminal.await("ready");
            terminal.type("hello", "Enter");
            String text = terminal.awaitEnd();
            assertThat(text).startsWith("/dev/pts/0\r\n30 100\r\nxterm\r\nready\r\n")
                    .contains("got hello\r\nexit=3\n");
            assertThat(text.substring(text.indexOf("exit=3"))).as("the user's terminal is cooked again")
                    .contains(" icanon ").contains(" echo ");
        }
    }
}
