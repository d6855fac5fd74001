package io.jrun.nativetests.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrun.nativetests.harness.OciBundles;
import io.jrun.nativetests.harness.OciCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.jrun.nativetests.harness.OciBundles.args;
import static io.jrun.nativetests.harness.OciBundles.bind;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * jrun-oci's lifecycle, as conmon and the runtime-tools validation programs drive it: create →
 * created → start → running → kill → stopped → delete, on bundles made by umoci, against the
 * real kernel. The container writes what it sees to a bind-mounted host directory.
 */
class OciLifecycleTest {
    @TempDir
    Path dir;
    Path out;
    OciCli oci;

    @BeforeEach
    void setUp() throws IOException {
        oci = new OciCli(dir.resolve("root"));
        out = Files.createDirectory(dir.resolve("out"));
    }

    @AfterEach
    void nothingLeft() throws Exception {
        // every test deletes what it made: the root holds nothing but jrun-oci's cache
        List<String> left;
        try (var entries = Files.list(dir.resolve("root"))) {
            left = entries.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
        }
        for (String id : left) {
            oci.run("delete", "--force", id); // a failed test's container must not outlive it
        }
        assertThat(left).as("containers left in --root").isEmpty();
    }

    JsonNode state(String id) throws Exception {
        return OciBundles.json().readTree(oci.check("state", id));
    }

    static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 3000 && !Files.exists(file); i++) {
            Thread.sleep(10);
        }
        assertThat(file).as("written by the container").exists();
    }

    @Test
    void createStartKillDeleteWalkThroughTheStates() throws Exception {
        Path bundle = OciBundles.umoci(dir, c -> {
            args(c, "/bin/sh", "-c", "echo ran > /out/ran; trap 'echo term > /out/term; exit 0' TERM; "
                    + "echo $$ > /out/pid; while true; do sleep 0.1; done");
            bind(c, out, "/out");
        });
        oci.check("create", "--bundle", bundle.toString(), "--pid-file", dir.resolve("pid").toString(), "c1");
        JsonNode created = state("c1");
        assertThat(created.path("status").asText()).isEqualTo("created");
        assertThat(created.path("id").asText()).isEqualTo("c1");
        assertThat(created.path("ociVersion").asText()).startsWith("1.");
        assertThat(created.path("bundle").asText()).isEqualTo(bundle.toString());
        long pid = created.path("pid").asLong();
        assertThat(pid).isPositive();
        assertThat(Files.readString(dir.resolve("pid")).strip()).isEqualTo(Long.toString(pid));
        assertThat(Path.of("/proc/" + pid)).as("the container's process exists").exists();
        Thread.sleep(200);
        assertThat(out.resolve("ran")).as("nothing of the app runs before start").doesNotExist();

        oci.check("start", "c1");
        awaitFile(out.resolve("pid"));
        assertThat(Files.readString(out.resolve("pid")).strip()).as("pid 1 of its own pid namespace").isEqualTo("1");
        assertThat(state("c1").path("status").asText()).isEqualTo("running");
        assertThat(oci.run("start", "c1").exitCode()).as("a second start").isNotZero();

        oci.check("kill", "c1", "TERM");
        awaitFile(out.resolve("term"));
        for (int i = 0; i < 500 && !state("c1").path("status").asText().equals("stopped"); i++) {
            Thread.sleep(10);
        }
        JsonNode stopped = state("c1");
        assertThat(stopped.path("status").asText()).isEqualTo("stopped");

        oci.check("delete", "c1");
        OciCli.Result gone = oci.run("state", "c1");
        assertThat(gone.exitCode()).isEqualTo(125);
        assertThat(gone.stderr()).contains("container c1 does not exist");
    }

    @Test
    void deleteRefusesALiveContainerUnlessForced() throws Exception {
        Path bundle = OciBundles.umoci(dir, c -> args(c, "/bin/sleep", "1000"));
        oci.check("create", "--bundle", bundle.toString(), "c2");
        long pid = state("c2").path("pid").asLong();
        OciCli.Result refused = oci.run("delete", "c2");
        assertThat(refused.exitCode()).isEqualTo(125);
        assertThat(refused.stderr()).contains("c2 is created").contains("--force").hasLineCount(1);
        oci.check("start", "c2");
        assertThat(oci.run("delete", "c2").stderr()).contains("c2 is running");
        oci.check("delete", "--force", "c2");
        for (int i = 0; i < 500 && Files.exists(Path.of("/proc/" + pid)); i++) {
            Thread.sleep(10);
        }
        assertThat(Path.of("/proc/" + pid)).as("the killed process").doesNotExist();
    }

    @Test
    void aCreatedContainerDeletedUnstartedNeverRan() throws Exception {
        Path bundle = OciBundles.umoci(dir, c -> {
            args(c, "/bin/sh", "-c", "echo ran > /out/ran");
            bind(c, out, "/out");
        });
        oci.check("create", "--bundle", bundle.toString(), "c3");
        oci.check("delete", "--force", "c3");
        Thread.sleep(200);
        assertThat(out.resolve("ran")).doesNotExist();
    }

    @Test
    void badInputIsOneLineAndLeavesNothing() throws Exception {
        Path bundle = OciBundles.umoci(dir, c -> args(c, "/bin/true"));
        OciCli.Result badId = oci.run("create", "--bundle", bundle.toString(), "../escape");
        assertThat(badId.exitCode()).isEqualTo(125);
        assertThat(badId.stderr()).contains("invalid container ID").hasLineCount(1);
        OciCli.Result noConfig = oci.run("create", "--bundle", dir.toString(), "c4");
        assertThat(noConfig.exitCode()).isEqualTo(125);
        assertThat(noConfig.stderr()).contains("no config.json").hasLineCount(1);
        Files.writeString(dir.resolve("config.json"), "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": 7}}");
        OciCli.Result badConfig = oci.run("create", "--bundle", dir.toString(), "c4");
        assertThat(badConfig.stderr()).contains("root.path: expected a string").hasLineCount(1);
        OciCli.Result missing = oci.run("start", "nope");
        assertThat(missing.stderr()).contains("container nope does not exist");

        oci.check("create", "--bundle", bundle.toString(), "c5");
        OciCli.Result twice = oci.run("create", "--bundle", bundle.toString(), "c5");
        assertThat(twice.exitCode()).isEqualTo(125);
        assertThat(twice.stderr()).contains("container c5 exists already");
        oci.check("delete", "--force", "c5");
    }

    @Test
    void execRunsAProcessInTheRunningContainer() throws Exception {
        Path bundle = OciBundles.umoci(dir, c -> {
            args(c, "/bin/sh", "-c", "echo x > /tmp/app-was-here; touch /out/ready; sleep 1000");
            bind(c, out, "/out");
        });
        oci.check("create", "--bundle", bundle.toString(), "c6");
        oci.check("start", "c6");
        awaitFile(out.resolve("ready"));
        OciCli.Result exec = oci.run("exec", "c6", "/bin/sh", "-c", "cat /tmp/app-was-here; cat /proc/1/comm; exit 7");
        assertThat(exec.exitCode()).as(exec.toString()).isEqualTo(7);
        assertThat(exec.stdout()).isEqualTo("x\nsleep\n");
        String ps = oci.check("ps", "--format", "json", "c6");
        assertThat(ps).startsWith("[").contains(Long.toString(state("c6").path("pid").asLong()));
        oci.check("delete", "--force", "c6");
    }

    @Test
    void listAndFeatures() throws Exception {
        Path bundle = OciBundles.umoci(dir, c -> args(c, "/bin/true"));
        oci.check("create", "--bundle", bundle.toString(), "c7");
        assertThat(oci.check("list", "-q")).isEqualTo("c7\n");
        assertThat(oci.check("list")).contains("c7").contains("created");
        JsonNode features = OciBundles.json().readTree(oci.check("features"));
        assertThat(features.path("ociVersionMax").asText()).startsWith("1.");
        assertThat(features.path("linux").path("namespaces").toString()).contains("pid", "mount", "network");
        oci.check("delete", "--force", "c7");
    }
}
