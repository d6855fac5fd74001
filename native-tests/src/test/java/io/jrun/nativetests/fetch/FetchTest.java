package io.jrun.nativetests.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.nativetests.harness.RegistryServer;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.nativetests.harness.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jrun fetch against a real docker-registry on 127.0.0.1, with images built by buildah and
 * skopeo (native-tests/images/build-test-images.sh, whose header lists the facts checked here).
 */
class FetchTest {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    @TempDir
    static Path work;
    static RegistryServer registry;
    static String addr;

    @BeforeAll
    static void startRegistry() {
        Tools.require("docker-registry", "skopeo", "getfattr");
        registry = RegistryServer.plain(work.resolve("registry"));
        addr = registry.address();
        registry.push(TestImages.layout("busybox"), "latest", "test/busybox:latest");
        registry.push(TestImages.layout("busybox-docker"), "latest", "test/busybox-docker:latest");
        registry.push(TestImages.layout("busybox-multi"), "latest", "test/busybox-multi:latest");
        registry.push(TestImages.layout("busybox-multi-docker"), "latest", "test/busybox-multi-docker:latest");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private static JrunCli.Result fetch(JrunCli jrun, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("fetch", "--insecure-registry", addr));
        all.addAll(List.of(args));
        return jrun.run(all.toArray(String[]::new));
    }

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void fetchesMultiLayerImageInOverlayForm(@TempDir Path state) throws Exception {
        JrunCli jrun = new JrunCli(state);
        JrunCli.Result r = fetch(jrun, addr + "/test/busybox:latest");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("Fetched " + addr + "/test/busybox:latest sha256:");
        assertThat(r.stderr()).as("no progress output when stderr is not a tty").isEmpty();

        StoreState store = new StoreState(state);
        store.assertConsistent();
        assertThat(store.layerDirs()).hasSize(4);
        assertThat(store.workAreas()).isEmpty();

        // L1: ownership, setuid, devices, fifo, xattr, hardlinks, symlinks, long names
        Path l1 = store.layerRootContaining("bin/busybox");
        assertThat(mode(l1.resolve("usr/local/bin/suid-test")) & 07777).isEqualTo(04755);
        assertThat(Files.getAttribute(l1.resolve("home/app"), "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(l1.resolve("home/app"), "unix:gid")).isEqualTo(1000);
        Path dev = l1.resolve("dev-test/null-like");
        assertThat(mode(dev) & S_IFMT).isEqualTo(S_IFCHR);
        assertThat(mode(dev) & 07777).isEqualTo(0666);
        assertThat(Files.getAttribute(dev, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0x103L);
        assertThat(mode(l1.resolve("srv/fifo")) & S_IFMT).isEqualTo(S_IFIFO);
        UserDefinedFileAttributeView xattrs = Files.getFileAttributeView(l1.resolve("srv/xattr.txt"),
                UserDefinedFileAttributeView.class);
        ByteBuffer value = ByteBuffer.allocate(64);
        xattrs.read("jrun.test", value);
        assertThat(new String(value.array(), 0, value.position(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(Files.getAttribute(l1.resolve("bin/sh"), "unix:ino"))
                .isEqualTo(Files.getAttribute(l1.resolve("bin/busybox"), "unix:ino"));
        assertThat(Files.getAttribute(l1.resolve("bin/sh"), "unix:nlink")).isNotEqualTo(1);
        Path symlinkApplet;
        try (var s = Files.list(l1.resolve("sbin"))) {
            symlinkApplet = s.filter(Files::isSymbolicLink).findFirst().orElseThrow();
        }
        assertThat(Files.readSymbolicLink(symlinkApplet)).hasToString("/bin/busybox");
        assertThat(l1.resolve("srv/long/name-" + "n".repeat(120) + ".txt")).hasContent("long name");
        String d = "dir-" + "d".repeat(40);
        assertThat(l1.resolve("srv/long/" + d + "/" + d + "/" + d + "/deep.txt")).hasContent("deep");

        // L2 (zstd): the whiteout of /etc/motd is a 0/0 character device
        Path l2 = store.layerRootContaining("etc/jrun-release");
        assertThat(l2.resolve("etc/jrun-release")).hasContent("jrun-test 1");
        Path whiteout = l2.resolve("etc/motd");
        assertThat(mode(whiteout) & S_IFMT).isEqualTo(S_IFCHR);
        assertThat(Files.getAttribute(whiteout, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0L);
        assertThat(l2.resolve("etc/.wh.motd")).doesNotExist();

        // L3 (uncompressed): the opaque directory carries trusted.overlay.opaque=y
        Path l3 = store.layerRootContaining("opt/app/new.txt");
        assertThat(l3.resolve("opt/app/.wh..wh..opq")).doesNotExist();
        assertThat(Tools.check(List.of("getfattr", "--absolute-names", "--only-values", "-n", "trusted.overlay.opaque",
                l3.resolve("opt/app").toString()), 30)).isEqualTo("y");

        assertThat(store.layerRootContaining("srv/layer4.txt").resolve("srv/layer4.txt")).hasContent("4");
    }

    @Test
    void aTerminalShowsOneProgressLinePerLayer(@TempDir Path state) throws Exception {
        Tools.require("script");
        List<String> command = new JrunCli(state)
                .command("fetch", "--insecure-registry", addr, addr + "/test/busybox:latest").command();
        String shell = String.join(" ", command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
        // script(1) runs jrun on a pseudo-terminal, as a user's shell would.
        String screen = Tools.check(List.of("script", "-qec", shell, "/dev/null"), 300);
        assertThat(screen).contains("Fetching " + addr + "/test/busybox:latest");
        JsonNode manifest = new ObjectMapper().readTree(registry.get("/v2/test/busybox/manifests/latest",
                "Accept", "application/vnd.oci.image.manifest.v1+json").body());
        for (JsonNode layer : manifest.get("layers")) {
            String shortHex = layer.get("digest").asText().substring(7, 19);
            assertThat(screen).contains(shortHex + "  done");
        }
        assertThat(screen).contains("Fetched " + addr + "/test/busybox:latest");
    }

    @Test
    void secondFetchFindsEverythingAndSharesLayersAcrossCompressions(@TempDir Path state) throws Exception {
        JrunCli jrun = new JrunCli(state);
        assertThat(fetch(jrun, addr + "/test/busybox:latest").exitCode()).isZero();
        StoreState store = new StoreState(state);
        List<Path> layers = store.layerDirs();
        assertThat(fetch(jrun, addr + "/test/busybox:latest").exitCode()).isZero();
        assertThat(store.layerDirs()).isEqualTo(layers);

        // The Docker schema 2 copy has the same diff IDs, gzip instead of zstd and plain tar:
        // the store keeps each layer once.
        JrunCli.Result docker = fetch(jrun, addr + "/test/busybox-docker:latest");
        assertThat(docker.exitCode()).as(docker.toString()).isZero();
        assertThat(store.layerDirs()).isEqualTo(layers);
        assertThat(store.names()).containsExactlyInAnyOrder(addr + "/test/busybox:latest",
                addr + "/test/busybox-docker:latest");
        store.assertConsistent();
    }

    @Test
    void picksThePlatformFromIndexAndManifestList(@TempDir Path state) throws Exception {
        for (String repo : List.of("busybox-multi", "busybox-multi-docker")) {
            Path host = state.resolve(repo + "-host");
            JrunCli.Result r = fetch(new JrunCli(host), addr + "/test/" + repo + ":latest");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).contains("(linux/amd64,");
            assertThat(new StoreState(host).layerRootContaining("etc/arch").resolve("etc/arch")).hasContent("amd64");

            Path arm = state.resolve(repo + "-arm");
            r = fetch(new JrunCli(arm), "--platform", "linux/arm64", addr + "/test/" + repo + ":latest");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(new StoreState(arm).layerRootContaining("etc/arch").resolve("etc/arch")).hasContent("arm64");

            Path none = state.resolve(repo + "-none");
            r = fetch(new JrunCli(none), "--platform", "linux/s390x", addr + "/test/" + repo + ":latest");
            assertThat(r.exitCode()).isEqualTo(125);
            assertThat(r.stderr()).contains("no image for linux/s390x").contains("linux/arm64");
            assertThat(new StoreState(none).names()).isEmpty();
        }
    }

    @Test
    void singlePlatformImageForAnotherPlatformIsRefusedUnlessAsked(@TempDir Path state) throws Exception {
        JrunCli.Result r = fetch(new JrunCli(state), "--platform", "linux/arm64", addr + "/test/busybox:latest");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr().strip()).startsWith("jrun: ").contains("is for linux/amd64").doesNotContain("\n");
        assertThat(new StoreState(state).layerDirs()).isEmpty();
    }

    @Test
    void fetchesByDigestAndQuietPrintsTheDigest(@TempDir Path state) throws Exception {
        JrunCli jrun = new JrunCli(state);
        JrunCli.Result byTag = fetch(jrun, "-q", addr + "/test/busybox:latest");
        assertThat(byTag.exitCode()).as(byTag.toString()).isZero();
        String digest = byTag.stdout().strip();
        assertThat(digest).matches("sha256:[0-9a-f]{64}");

        JrunCli.Result byDigest = fetch(jrun, "--quiet", addr + "/test/busybox@" + digest);
        assertThat(byDigest.exitCode()).as(byDigest.toString()).isZero();
        assertThat(byDigest.stdout().strip()).isEqualTo(digest);
        assertThat(new StoreState(state).names()).contains(addr + "/test/busybox@" + digest);

        JrunCli.Result missing = fetch(jrun, addr + "/test/busybox@sha256:" + "0".repeat(64));
        assertThat(missing.exitCode()).isEqualTo(125);
        assertThat(missing.stderr()).startsWith("jrun: ");
    }

    @Test
    void badInputGetsOneClearLineAndLeavesNoStore(@TempDir Path state) throws Exception {
        Path dir = state.resolve("never-created");
        JrunCli jrun = new JrunCli(dir);
        JrunCli.Result invalid = jrun.run("fetch", "Not/A:Valid:Ref");
        assertThat(invalid.exitCode()).isEqualTo(125);
        assertThat(invalid.stderr()).startsWith("jrun: ").containsIgnoringCase("invalid");
        assertThat(invalid.stderr().strip().lines()).hasSize(1);

        JrunCli.Result badPlatform = jrun.run("fetch", "--platform", "linux", "busybox");
        assertThat(badPlatform.exitCode()).isEqualTo(125);
        assertThat(badPlatform.stderr()).contains("OS/ARCH");

        JrunCli.Result unknownOption = jrun.run("fetch", "--no-such-option", "busybox");
        assertThat(unknownOption.exitCode()).isEqualTo(125);
        assertThat(unknownOption.stderr()).startsWith("jrun: ").contains("--no-such-option");
        assertThat(dir).doesNotExist();
    }

    @Test
    void unknownTagAndPlainHttpWithoutFlagAreClearErrors(@TempDir Path state) throws Exception {
        JrunCli jrun = new JrunCli(state);
        JrunCli.Result unknown = fetch(jrun, addr + "/test/busybox:no-such-tag");
        assertThat(unknown.exitCode()).isEqualTo(125);
        assertThat(unknown.stderr()).startsWith("jrun: ").contains("not found");

        JrunCli.Result plain = jrun.run("fetch", addr + "/test/busybox:latest");
        assertThat(plain.exitCode()).isEqualTo(125);
        assertThat(plain.stderr()).contains("--insecure-registry " + addr);
        assertThat(new StoreState(state).names()).isEmpty();
        assertThat(new StoreState(state).layerDirs()).isEmpty();
    }

    @Test
    void imageListInspectRemoveAndGc(@TempDir Path state) throws Exception {
        JrunCli jrun = new JrunCli(state);
        assertThat(fetch(jrun, addr + "/test/busybox:latest").exitCode()).isZero();
        assertThat(fetch(jrun, addr + "/test/busybox-multi:latest").exitCode()).isZero();
        StoreState store = new StoreState(state);
        int layersBoth = store.layerDirs().size();
        assertThat(layersBoth).isEqualTo(5);

        JrunCli.Result table = jrun.run("image", "list");
        assertThat(table.exitCode()).isZero();
        assertThat(table.stdout().lines().findFirst().orElseThrow()).contains("NAME").contains("IMAGE ID");
        assertThat(table.stdout()).contains(addr + "/test/busybox:latest").contains(addr + "/test/busybox-multi:latest");

        JsonNode json = new ObjectMapper().readTree(jrun.run("image", "list", "--format", "json").stdout());
        assertThat(json).hasSize(2);
        String id = null;
        for (JsonNode image : json) {
            if (image.get("name").asText().endsWith("/test/busybox:latest")) {
                id = image.get("id").asText();
            }
        }
        assertThat(id).startsWith("sha256:");

        JrunCli.Result tooShort = jrun.run("image", "inspect", id.substring(7, 10));
        assertThat(tooShort.exitCode()).isEqualTo(125);
        assertThat(tooShort.stderr()).isEqualTo("jrun: no image named '" + id.substring(7, 10) + "', and an ID prefix is too short:"
                + " give at least 4 hex digits of the ID (see jrun image list)\n");
        JrunCli.Result inspect = jrun.run("image", "inspect", id.substring(7, 19));
        assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
        JsonNode details = new ObjectMapper().readTree(inspect.stdout());
        assertThat(details.at("/config/config/Labels/org.jrun.test").asText()).isEqualTo("busybox");
        assertThat(details.at("/config/config/WorkingDir").asText()).isEqualTo("/srv");
        assertThat(details.get("layers")).hasSize(4);
        assertThat(details.at("/manifest/layers/1/mediaType").asText()).endsWith("+zstd");

        JrunCli.Result rm = jrun.run("image", "rm", addr + "/test/busybox:latest");
        assertThat(rm.exitCode()).as(rm.toString()).isZero();
        assertThat(store.names()).containsExactly(addr + "/test/busybox-multi:latest");
        assertThat(store.layerDirs()).as("only the multi image's layer is left").hasSize(1);
        store.assertConsistent();

        JrunCli.Result again = jrun.run("image", "inspect", addr + "/test/busybox:latest");
        assertThat(again.exitCode()).isEqualTo(125);
        assertThat(again.stderr()).contains("no image");
        assertThat(jrun.run("image", "rm", "nonexistent").exitCode()).isEqualTo(125);

        JrunCli.Result gc = jrun.run("image", "gc");
        assertThat(gc.exitCode()).isZero();
        assertThat(store.layerDirs()).hasSize(1);
        JrunCli.Result neither = jrun.run("image", "rm");
        assertThat(neither.stderr()).startsWith("jrun: Missing required parameter: 'IMAGE' (or -a for all)");
        JrunCli.Result all = jrun.run("image", "rm", "-a");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.stdout()).startsWith("Removed " + addr + "/test/busybox-multi:latest (");
        assertThat(store.names()).isEmpty();
        assertThat(store.layerDirs()).isEmpty();
        assertThat(store.blobs()).isEmpty();
    }

    @Test
    void fetchesFromOciLayoutAndOciArchive(@TempDir Path state) throws Exception {
        JrunCli jrun = new JrunCli(state);
        Path layout = TestImages.layout("busybox");
        JrunCli.Result r = jrun.run("fetch", "oci:" + layout + ":latest");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(new StoreState(state).layerDirs()).hasSize(4);

        Path archive = state.resolve("busybox.tar");
        Tools.check(List.of("tar", "-C", layout.toString(), "-cf", archive.toString(), "."), 60);
        Path other = state.resolve("other");
        JrunCli.Result a = new JrunCli(other).run("fetch", "oci-archive:" + archive);
        assertThat(a.exitCode()).as(a.toString()).isZero();
        assertThat(new StoreState(other).layerDirs()).hasSize(4);
        new StoreState(other).assertConsistent();

        JrunCli.Result missingTag = jrun.run("fetch", "oci:" + layout + ":nope");
        assertThat(missingTag.exitCode()).isEqualTo(125);
        assertThat(missingTag.stderr()).contains("no image tagged 'nope'");
    }
}
