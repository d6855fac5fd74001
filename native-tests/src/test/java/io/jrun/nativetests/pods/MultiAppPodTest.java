package io.jrun.nativetests.pods;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pods of several apps ({@code jrun run IMG1 … --- IMG2 …}) with the real CLI, as root, against
 * the real kernel: what the apps share (network, IPC and UTS namespaces) and what they do not
 * (root file systems, exit codes), init apps, a sidecar restarted {@code always}, status, stop
 * and rm per pod, in the foreground and detached, and gc after a SIGKILLed supervisor. Every
 * test ends with nothing left: no unit, no pod record, no nsfs mount, no process.
 */
@ExtendWith(HostLeftAsItWas.class)
class MultiAppPodTest {
    @TempDir
    static Path state;
    static JrunCli jrun;
    static String busybox;

    @TempDir
    Path dir;

    @BeforeAll
    static void image() throws Exception {
        jrun = new JrunCli(state);
        busybox = jrun.fetchBusybox();
    }

    @AfterEach
    void nothingLeft() throws Exception {
        PodCli.gcLeavesNoPods(jrun, state);
    }

    private static List<Path> podRecords() throws Exception {
        return PodCli.entries(state.resolve("pods/apps")).stream().filter(Files::isDirectory).toList();
    }

    /** The host's mounts under the state directory's pods/apps: the pods' nsfs files. */
    private static List<String> nsMounts() throws Exception {
        String apps = state.resolve("pods/apps").toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(apps)).toList();
    }

    private static JrunCli.Result ok(String... args) throws Exception {
        return PodCli.ok(jrun, args);
    }

    private static String status(String pod, String key) throws Exception {
        return PodCli.status(jrun, pod, key);
    }

    /** What app a and app b print of their namespaces and host name. */
    private static String identity(String app) {
        return "echo " + app + " host=$(hostname) ipc=$(readlink /proc/self/ns/ipc) net=$(readlink /proc/self/ns/net)"
                + " uts=$(readlink /proc/self/ns/uts) mnt=$(readlink /proc/self/ns/mnt)";
    }

    /** A server on 127.0.0.1:8080 in app a; its own file in its root; exit 3. */
    private static final String SERVER = identity("a") + "; echo mine > /only-a; echo hello | nc -l -p 8080 127.0.0.1; exit 3";
    /** A client of a's server in app b; whether it sees a's file; exit 4. */
    private static final String CLIENT = identity("b") + "; until nc 127.0.0.1 8080 </dev/null >/tmp/got 2>/dev/null"
            + " && [ -s /tmp/got ]; do sleep 0.1; done; echo b got $(cat /tmp/got);"
            + " if [ -e /only-a ]; then echo b sees a file; else echo b has its own root; fi; exit 4";

    private static String field(String out, String app, String key) {
        return out.lines().filter(l -> l.startsWith(app + " host=")).findFirst().orElseThrow(() -> new AssertionError(
                "no line of app " + app + " in\n" + out)).replaceAll(".*\\b" + key + "=(\\S+).*", "$1");
    }

    private static String hostNs(String type) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/ns/" + type)).toString();
    }

    @Test
    void twoAppsShareNetworkIpcAndHostNameButNotTheirRootsAndKeepTheirOwnExitCodes() throws Exception {
        JrunCli.Result run = jrun.run("run", "--name", "duo", "--hostname", "podhost", busybox, "--app-name", "a",
                "--", "sh", "-c", SERVER, "---", busybox, "--app-name", "b", "--", "sh", "-c", CLIENT);
        assertThat(run.exitCode()).as("the first app's non-zero code: " + run).isEqualTo(3);
        String out = run.stdout();
        assertThat(field(out, "a", "host")).isEqualTo("podhost");
        assertThat(field(out, "b", "host")).isEqualTo("podhost");
        for (String type : List.of("ipc", "net", "uts")) {
            assertThat(field(out, "b", type)).as("one " + type + " namespace").isEqualTo(field(out, "a", type))
                    .isNotEqualTo(hostNs(type));
        }
        assertThat(field(out, "b", "mnt")).as("a mount namespace each").isNotEqualTo(field(out, "a", "mnt"));
        assertThat(out).contains("b got hello\n").contains("b has its own root\n");

        assertThat(status("duo", "state")).isEqualTo("exited");
        assertThat(status("duo", "apps")).isEqualTo("a,b");
        assertThat(status("duo", "app.a.exit-code")).isEqualTo("3");
        assertThat(status("duo", "app.b.exit-code")).isEqualTo("4");
        assertThat(status("duo.a", "exit-code")).as("each app a unit of the store, named POD.APP").isEqualTo("3");
        assertThat(nsMounts()).as("the namespaces go with the pod's end").isEmpty();
        String uuid = status("duo", "uuid");
        assertThat(ok("rm", "duo").stdout()).isEqualTo(uuid + "\n");
        assertThat(podRecords()).isEmpty();
        assertThat(PodCli.entries(state.resolve("pods/run"))).as("rm removed the apps' units").isEmpty();
    }

    @Test
    void aDetachedPodRunsEachAppUnderConmonAndStopAndRmEndItAll() throws Exception {
        String uuid = ok("run", "-d", "--name", "bg", busybox, "--app-name", "a", "--", "sh", "-c",
                SERVER.replace("exit 3", "trap 'exit 9' TERM; while :; do sleep 0.1; done"),
                "---", busybox, "--app-name", "b", "--", "sh", "-c",
                CLIENT.replace("exit 4", "trap 'exit 8' TERM; while :; do sleep 0.1; done")).stdout().strip();
        assertThat(uuid).matches("[0-9a-f-]{36}");
        assertThat(status("bg", "state")).isEqualTo("running");
        assertThat(nsMounts()).as("net, ipc and uts held by bind mounts, no process").hasSize(3);
        String logs = "";
        for (int i = 0; i < 6000 && !logs.contains("b has its own root"); i++) {
            Thread.sleep(10);
            logs = ok("logs", "bg.b").stdout();
        }
        assertThat(logs).contains("b got hello", "b has its own root");
        assertThat(field(logs, "b", "net")).isEqualTo(field(ok("logs", "bg.a").stdout(), "a", "net"));
        assertThat(ok("logs", "bg", "--app", "b").stdout()).as("logs POD --app APP").isEqualTo(logs);
        JrunCli.Result noApp = jrun.run("logs", "bg");
        assertThat(noApp.stderr()).isEqualTo("jrun: pod bg has several apps: name one with --app (a, b)\n");
        assertThat(ok("enter", "bg", "--app", "a", "readlink", "/proc/self/ns/net").stdout().strip())
                .as("enter POD --app APP: in the pod's network namespace").isEqualTo(field(logs, "b", "net"));
        assertThat(ok("enter", "bg", "--app", "a", "cat", "/only-a").stdout()).isEqualTo("mine\n");
        assertThat(jrun.run("enter", "bg", "--app", "b", "cat", "/only-a").exitCode()).as("b's own root").isEqualTo(1);
        assertThat(ok("list", "--apps").stdout()).contains("bg", " a ", " b ", "running");

        JrunCli.Result refused = jrun.run("rm", "bg");
        assertThat(refused.exitCode()).isEqualTo(125);
        assertThat(refused.stderr()).isEqualTo("jrun: pod bg is running: stop it first (jrun stop), or pass --force\n");
        assertThat(ok("stop", "bg").stdout()).isEqualTo(uuid + "\n");
        assertThat(status("bg", "state")).isEqualTo("exited");
        assertThat(status("bg", "app.a.exit-code")).as("each app its own StopSignal handler").isEqualTo("9");
        assertThat(status("bg", "app.b.exit-code")).isEqualTo("8");
        ok("rm", "bg");
        assertThat(nsMounts()).isEmpty();
        assertThat(podRecords()).isEmpty();
    }

    @Test
    void initAppsRunToCompletionInOrderBeforeTheOthers() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        String v = shared + ":/shared";
        JrunCli.Result run = jrun.run("run", "--name", "ordered", busybox, "--init-app", "--app-name", "first", "-v", v,
                "--", "sh", "-c", "sleep 0.3; echo first >> /shared/order",
                "---", busybox, "--init-app", "--app-name", "second", "-v", v, "--", "sh", "-c", "echo second >> /shared/order",
                "---", busybox, "--app-name", "main", "-v", v, "--", "sh", "-c", "echo main >> /shared/order");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Files.readAllLines(shared.resolve("order"))).containsExactly("first", "second", "main");
        assertThat(status("ordered", "app.first.init")).isEqualTo("true");
        ok("rm", "ordered");
    }

    @Test
    void aFailingInitAppFailsThePodWithItsExitCodeAndTheOthersNeverStart() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        String v = shared + ":/shared";
        for (boolean detached : new boolean[] {false, true}) {
            List<String> args = new ArrayList<>(List.of("run"));
            if (detached) {
                args.add("-d");
            }
            args.addAll(List.of("--name", "broken", busybox, "--init-app", "--app-name", "setup", "--", "sh", "-c", "exit 7",
                    "---", busybox, "--app-name", "main", "-v", v, "--", "sh", "-c", "touch /shared/main-ran"));
            JrunCli.Result run = jrun.run(args.toArray(String[]::new));
            assertThat(run.exitCode()).as((detached ? "-d: " : "") + run).isEqualTo(7);
            assertThat(run.stderr()).contains("init app setup of pod broken exited with 7: the pod's other apps were not started");
            assertThat(shared.resolve("main-ran")).doesNotExist();
            assertThat(status("broken", "state")).isEqualTo("exited");
            assertThat(status("broken", "app.setup.exit-code")).isEqualTo("7");
            assertThat(status("broken", "app.main.state")).isEqualTo("waiting");
            assertThat(nsMounts()).isEmpty();
            ok("rm", "broken");
        }
    }

    @Test
    void aSidecarThatRestartsAlwaysIsStartedAgainWhileTheMainAppRunsAndStoppedWhenItEnds() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        String v = shared + ":/shared";
        JrunCli.Result run = jrun.run("run", "--name", "side", busybox, "--app-name", "main", "-v", v, "--", "sh", "-c",
                "echo $$ > /shared/main-pid; touch /shared/count;"
                        + " until [ $(wc -l < /shared/count) -ge 3 ]; do sleep 0.1; done; echo main $$ done",
                "---", busybox, "--app-name", "shipper", "--restart", "always", "-v", v, "--", "sh", "-c",
                "echo run >> /shared/count; exit 1");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).as("the main app ran on, one process, while the sidecar restarted")
                .contains("main " + Files.readString(shared.resolve("main-pid")).strip() + " done");
        assertThat(Files.readAllLines(shared.resolve("count")).size()).isGreaterThanOrEqualTo(3);
        assertThat(Integer.parseInt(status("side", "app.shipper.restarts"))).isGreaterThanOrEqualTo(2);
        assertThat(status("side", "app.shipper.restart")).isEqualTo("always");
        assertThat(status("side", "app.main.exit-code")).isEqualTo("0");
        assertThat(status("side", "app.main.restarts")).isEqualTo("0");
        ok("rm", "side");
    }

    @Test
    void aSigkilledForegroundSupervisorLeavesNothingAfterGc() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        String v = shared + ":/shared";
        Process supervisor = jrun.command("run", "--name", "killed", busybox, "--app-name", "a", "-v", v, "--", "sh", "-c",
                "trap 'exit 0' TERM; touch /shared/a; while :; do sleep 0.1; done", "---", busybox, "--app-name", "b", "-v", v, "--", "sh", "-c",
                "trap 'exit 0' TERM; touch /shared/b; while :; do sleep 0.1; done")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        PodCli.awaitFiles(shared.resolve("a"), shared.resolve("b"));
        assertThat(nsMounts()).hasSize(3);
        supervisor.destroyForcibly().waitFor();
        assertThat(status("killed", "app.a.state")).contains("abandoned");
        ok("gc", "--grace-period", "0");
        assertThat(nsMounts()).isEmpty();
        assertThat(podRecords()).isEmpty();
        assertThat(PodCli.entries(state.resolve("pods/run"))).isEmpty();
    }

    @Test
    void sigkilledConmonsOfADetachedPodLeaveNothingAfterGc() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        String v = shared + ":/shared";
        ok("run", "-d", "--name", "orphans", busybox, "--app-name", "a", "-v", v, "--", "sh", "-c",
                "trap 'exit 0' TERM; touch /shared/a; while :; do sleep 0.1; done", "---", busybox, "--app-name", "b", "-v", v, "--", "sh", "-c",
                "trap 'exit 0' TERM; touch /shared/b; while :; do sleep 0.1; done");
        PodCli.awaitFiles(shared.resolve("a"), shared.resolve("b"));
        for (String app : List.of("a", "b")) {
            Path unit = state.resolve("pods/run").resolve(status("orphans", "app." + app + ".unit"));
            long conmon = Long.parseLong(Files.readString(unit.resolve("conmon.pid")).strip());
            ProcessHandle.of(conmon).orElseThrow().destroyForcibly();
            ProcessHandle.of(conmon).ifPresent(p -> p.onExit().join());
        }
        assertThat(status("orphans", "app.b.state")).contains("abandoned");
        ok("gc", "--grace-period", "0");
        assertThat(nsMounts()).isEmpty();
        assertThat(podRecords()).isEmpty();
    }

    @Test
    void badPodsAreRefusedInOneLineBeforeAnythingIsMade() throws Exception {
        String[][] cases = {
                {"run", busybox, "--app-name", "x", "---", busybox, "--app-name", "x"},
                {"run", "-e", "A=1", busybox, "---", busybox},
                {"run", busybox, "--restart", "sometimes", "---", busybox},
                {"run", busybox, "--app-name", "x", "---", busybox, "--init-app", "--app-name", "y"},
                {"run", "-d", busybox, "--app-name", "x", "---", busybox, "--restart", "always", "--app-name", "y"},
        };
        String[] errors = {
                "jrun: two apps are named x: give each its own --app-name\n",
                "jrun: -e before the first image: in a pod of several apps, app options go after their app's IMAGE"
                        + " (jrun run [pod options] IMG1 [app options] --- IMG2 [app options])\n",
                "jrun: invalid restart policy 'sometimes': use no, on-failure[:N] or always\n",
                "jrun: init app y comes after an app that is not an init app: put init apps first\n",
                "jrun: app y: --restart always needs a supervisor that stays, and conmon does not restart:"
                        + " run the pod in the foreground (without -d)\n",
        };
        for (int i = 0; i < cases.length; i++) {
            JrunCli.Result r = jrun.run(cases[i]);
            assertThat(r.exitCode()).as(String.join(" ", cases[i])).isEqualTo(125);
            assertThat(r.stderr()).isEqualTo(errors[i]);
        }
        assertThat(podRecords()).isEmpty();
    }
}
