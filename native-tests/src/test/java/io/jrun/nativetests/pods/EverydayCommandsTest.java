package io.jrun.nativetests.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands and flags a podman user reaches for, through the real CLI against the real
 * kernel: podman's names (ps, exec, pull, images, rmi, inspect), list's -q, --filter and
 * templates, image list -q, kill and wait. Every test ends with no pod left.
 */
@ExtendWith(HostLeftAsItWas.class)
class EverydayCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path state;
    static JrunCli jrun;
    static String busybox;

    @BeforeAll
    static void image() throws Exception {
        jrun = new JrunCli(state);
        busybox = jrun.fetchBusybox();
    }

    @AfterEach
    void nothingLeft() throws Exception {
        JrunCli.Result rm = null;
        for (String uuid : jrun.run("list", "-q").stdout().lines().toList()) {
            rm = jrun.run("rm", "--force", uuid);
        }
        JrunCli.Result gc = jrun.run("gc", "--grace-period", "0");
        assertThat(gc.exitCode()).as(gc.toString()).isZero();
        assertThat(PodCli.entries(state.resolve("pods/run"))).as("no pod left (rm: " + rm + ")").isEmpty();
    }

    private static JrunCli.Result ok(String... args) throws Exception {
        return PodCli.ok(jrun, args);
    }

    private static JrunCli.Result fails(int code, String... args) throws Exception {
        JrunCli.Result r = jrun.run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(code);
        assertThat(r.stderr()).hasLineCount(1);
        return r;
    }

    @Test
    void podmansNamesWork() throws Exception {
        assertThat(ok("pull", "-q", busybox).stdout()).startsWith("sha256:");
        String id = JSON.readTree(ok("images", "--format", "json").stdout()).get(0).get("id").asText();
        assertThat(ok("images", "-q").stdout()).isEqualTo(id.substring(7, 19) + "\n");
        assertThat(ok("image", "list", "-q").stdout()).isEqualTo(id.substring(7, 19) + "\n");
        assertThat(ok("images", "--format", "{{.Name}} {{.Id}}").stdout()).isEqualTo(busybox + " " + id + "\n");

        String a = ok("run", "-d", "--name", "a", busybox, "sh", "-c", "while :; do sleep 0.1; done").stdout().strip();
        assertThat(ok("ps", "-a").stdout()).contains(a.substring(0, 8), "running");
        assertThat(ok("exec", "a", "cat", "/etc/hostname").stdout()).isEqualTo(a.replace("-", "").substring(0, 12) + "\n");

        JsonNode both = JSON.readTree(ok("inspect", "a", busybox).stdout());
        assertThat(both).hasSize(2);
        assertThat(both.get(0).get("type").asText()).isEqualTo("pod");
        assertThat(both.get(0).get("uuid").asText()).isEqualTo(a);
        assertThat(both.get(0).get("state").asText()).isEqualTo("running");
        assertThat(both.get(1).get("type").asText()).isEqualTo("image");
        assertThat(both.get(1).get("id").asText()).isEqualTo(id);
        assertThat(both.get(1).at("/config/config/Labels/org.jrun.test").asText()).isEqualTo("busybox");
        assertThat(fails(125, "inspect", "nosuch").stderr()).isEqualTo("jrun: no pod or image 'nosuch': see jrun list and jrun image list\n");
        assertThat(fails(125, "inspect", "--type", "image", "a").stderr()).startsWith("jrun: no image named 'a'");

        JrunCli.Result rmi = fails(125, "rmi", busybox);
        assertThat(rmi.stderr()).contains("is in use by a pod");
        ok("rm", "--force", "a");
        assertThat(ok("rmi", busybox).stdout()).startsWith("Removed " + busybox);
        assertThat(ok("images", "-q").stdout()).isEmpty();
        jrun.fetchBusybox(); // for the other tests
    }

    @Test
    void listFiltersQuietAndTemplates() throws Exception {
        String a = ok("run", "-d", "--name", "a", busybox, "sh", "-c", "while :; do sleep 0.1; done").stdout().strip();
        assertThat(jrun.run("run", "--name", "b", busybox, "sh", "-c", "exit 3").exitCode()).isEqualTo(3);
        String b = JSON.readTree(ok("inspect", "b").stdout()).get(0).get("uuid").asText();

        assertThat(ok("list", "-q").stdout().lines().sorted().toList()).isEqualTo(List.of(a, b).stream().sorted().toList());
        assertThat(ok("list", "-q", "--filter", "state=running").stdout()).isEqualTo(a + "\n");
        assertThat(ok("list", "-q", "--filter", "status=exited", "--filter", "exited=3").stdout()).isEqualTo(b + "\n");
        assertThat(ok("list", "-q", "-f", "name=^a$", "-f", "name=^b$").stdout().lines().count()).as("a key twice: either").isEqualTo(2);
        assertThat(ok("list", "-q", "-f", "name=a", "-f", "state=exited").stdout()).as("two keys: both").isEmpty();
        assertThat(ok("list", "-q", "-f", "id=" + a.substring(0, 6)).stdout()).isEqualTo(a + "\n");
        assertThat(ok("list", "-q", "-f", "image=" + busybox).stdout().lines().count()).isEqualTo(2);
        assertThat(ok("list", "--filter", "name=b", "--format", "{{.Name}}\\t{{.State}}\\t{{.ExitCode}}").stdout())
                .isEqualTo("b\texited\t3\n");
        assertThat(fails(125, "list", "--filter", "colour=red").stderr()).startsWith("jrun: invalid --filter 'colour=red': use KEY=VALUE with a KEY of name=REGEX,");
        assertThat(fails(125, "list", "--format", "{{.Colour}}").stderr()).startsWith("jrun: --format: no field .Colour: the fields are .Uuid, .Name,");
        assertThat(fails(125, "list", "--format", "yaml").stderr()).startsWith("jrun: invalid --format 'yaml'");
    }

    @Test
    void killSignalsAndWaitReportsExitCodes() throws Exception {
        String a = ok("run", "-d", "--name", "a", busybox, "sh", "-c",
                "trap 'exit 7' USR1; while :; do sleep 0.1; done").stdout().strip();
        String b = ok("run", "-d", "--name", "b", busybox, "sh", "-c", "while :; do sleep 0.1; done").stdout().strip();
        assertThat(fails(125, "kill", "--signal", "SIGNOPE", "a").stderr()).contains("SIGNOPE");
        assertThat(ok("kill", "--signal", "usr1", "a").stdout()).isEqualTo(a + "\n");
        assertThat(ok("kill", "b").stdout()).as("SIGKILL by default").isEqualTo(b + "\n");
        JrunCli.Result waited = jrun.run("wait", "a", "b");
        assertThat(waited.stdout()).isEqualTo("7\n137\n");
        assertThat(waited.exitCode()).as("the last one's code").isEqualTo(137);
        assertThat(jrun.run("wait", "b", "a").exitCode()).isEqualTo(7);
        assertThat(fails(125, "kill", "a").stderr()).isEqualTo("jrun: pod " + a
                + " is not running (it is exited): only a running pod's app can be signalled\n");
        assertThat(fails(125, "wait", "a", "nosuch").stderr()).isEqualTo("jrun: no pod 'nosuch': see jrun list\n");
    }

    @Test
    void topShowsThePodsProcessesAndStatsItsUsage() throws Exception {
        String a = ok("run", "-d", "--name", "a", busybox, "sh", "-c", "sleep 1000 & while :; do sleep 0.1; done").stdout().strip();
        List<String> top = ok("top", "a").stdout().lines().toList();
        assertThat(top.getFirst()).matches("PID +HOST PID +UID +STATE +TIME +COMMAND");
        assertThat(top).anySatisfy(l -> assertThat(l).matches("1 +\\d+ +0 +\\S +\\d+:\\d\\d:\\d\\d +sh -c sleep 1000 &.*"))
                .anySatisfy(l -> assertThat(l).matches("\\d+ +\\d+ +0 +S +\\S+ +sleep 1000"));
        long hostPid = Long.parseLong(top.get(1).trim().split(" +")[1]);
        assertThat(java.nio.file.Files.readString(Path.of("/proc", Long.toString(hostPid), "cgroup")))
                .as("a host pid of the pod's cgroup").contains("pod-" + a);

        List<String> stats = ok("stats", "--no-stream").stdout().lines().toList();
        assertThat(stats.getFirst()).matches("UUID +NAME +CPU TIME +MEM USAGE +PIDS");
        assertThat(stats).hasSize(2);
        assertThat(stats.get(1)).matches(a.substring(0, 8) + " +a +\\d+\\.\\d\\ds +\\S+ +\\S+");
        assertThat(ok("stats", "--no-stream", "a").stdout().lines().count()).isEqualTo(2);

        ok("stop", "-t", "0", "a");
        assertThat(fails(125, "top", "a").stderr()).isEqualTo("jrun: pod " + a + " is exited: only a running pod's processes can be shown\n");
        assertThat(ok("stats", "--no-stream").stdout().lines().count()).as("no pod runs: the header alone").isEqualTo(1);
    }
}
