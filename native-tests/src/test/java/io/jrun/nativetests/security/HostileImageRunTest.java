package io.jrun.nativetests.security;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.DerivedImage;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.nativetests.harness.TestImages;
import io.jrun.nativetests.harness.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile images through {@code jrun run}: each is refused or contained, and nothing is written
 * outside the pod's and the store's directories (a sentinel directory on the host stays empty).
 */
@ExtendWith(HostLeftAsItWas.class)
class HostileImageRunTest {
    /** A host directory that an escaping write would reach. */
    static final Path SENTINEL = Path.of("/tmp/jrun-security-sentinel-" + ProcessHandle.current().pid());

    @TempDir
    static Path state;
    @TempDir
    static Path images;
    static Containers containers;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        containers = Containers.open(state);
    }

    @AfterAll
    static void removeSentinel() {
        Tools.deleteTree(SENTINEL);
    }

    @BeforeEach
    void before() throws Exception {
        Tools.deleteTree(SENTINEL);
        Files.createDirectories(SENTINEL);
    }

    @AfterEach
    void nothingLeft() throws Exception {
        containers.assertNoPodHalfMade();
        try (Stream<Path> s = Files.list(SENTINEL)) {
            assertThat(s).as("nothing written outside the container").isEmpty();
        }
    }

    private static String image(String name, TarLayer layer) throws Exception {
        return image(name, layer, c -> { });
    }

    private static String image(String name, TarLayer layer, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> config)
            throws Exception {
        return containers.fetch(DerivedImage.withLayer(TestImages.layout("busybox"), images.resolve(name), layer.bytes(), config));
    }

    @Test
    void mountTargetsBehindAbsoluteSymlinksStayInsideTheRoot() throws Exception {
        Path source = Files.createDirectory(dir.resolve("source"));
        Files.writeString(source.resolve("hello"), "from the host\n");
        // the symlinks' targets exist inside the image, as they do on the host: a runtime that
        // resolved the targets on the host would mount into the host's SENTINEL
        String image = image("symlinked-targets", new TarLayer()
                .dir(SENTINEL.toString().substring(1))
                .symlink("data", SENTINEL.toString())
                .symlink("up", "../../../../../../../../.."));
        JrunCli.Result r = containers.run("--rm", "-v", source + ":/data/volume:ro", "-v", source + ":/up" + SENTINEL + "/again",
                "--tmpfs", "/data/scratch", image, "sh", "-c",
                "cat /data/volume/hello " + SENTINEL + "/again/hello; ls " + SENTINEL + "; grep -c ' " + SENTINEL + "/' /proc/self/mountinfo");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        // inside the container the symlinks lead to its own /tmp/...: the mounts are there
        assertThat(r.stdout()).isEqualTo("from the host\nfrom the host\nagain\nscratch\nvolume\n3\n");
    }

    @Test
    void mountTargetsThatSymlinksLeadIntoProcOrSysAreRefused() throws Exception {
        Path source = Files.createDirectory(dir.resolve("source"));
        String image = image("kernel-targets", new TarLayer()
                .symlink("p", "/proc")
                .symlink("ps", "/proc/sys")
                .symlink("s", "/sys/kernel")
                .symlink("fw", "../sys/firmware"));
        Set<Path> before = Set.copyOf(containers.pods("run"));
        String[][] cases = {
                {"-v", source + ":/p/x", "/proc"},
                {"-v", source + ":/s", "/sys/kernel"},
                {"-v", source + ":/s/mm", "/sys/kernel/mm"},
                {"--tmpfs", "/fw", "/sys/firmware"},
                {"--tmpfs", "/p/sys/kernel", "/proc"},
        };
        for (String[] c : cases) {
            JrunCli.Result r = containers.run("--rm", c[0], c[1], image, "true");
            assertThat(r.exitCode()).as(String.join(" ", c) + ": " + r).isEqualTo(125);
            assertThat(r.stderr()).as(String.join(" ", c)).contains(" leads to " + c[2] + " through a symlink in the image")
                    .hasLineCount(1);
        }
        // /proc/sys is not there before /proc is mounted: refused all the same, on the empty placeholder
        JrunCli.Result r = containers.run("--rm", "-v", source + ":/ps/kernel", image, "true");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        assertThat(r.stderr()).startsWith("jrun: cannot make the bind mount of " + source + " on /ps/kernel").hasLineCount(1);
        assertThat(Set.copyOf(containers.pods("run"))).isEqualTo(before);
    }

    @Test
    void volumesNamedInProcOrSysAreRefused() throws Exception {
        Set<Path> before = Set.copyOf(containers.pods("run"));
        for (String[] c : new String[][] {{"-v", "/tmp:/proc"}, {"-v", "/tmp:/proc/sys/kernel"}, {"-v", "/tmp:/sys/fs/x"},
                {"--tmpfs", "/proc"}, {"--tmpfs", "/sys:size=1m"}, {"-v", "/tmp:/x/../proc/1"}}) {
            JrunCli.Result r = containers.run("--rm", c[0], c[1], containers.busybox, "true");
            assertThat(r.exitCode()).as(String.join(" ", c)).isEqualTo(125);
            assertThat(r.stderr()).as(String.join(" ", c)).startsWith("jrun: mount target '").contains("which jrun does not allow")
                    .hasLineCount(1);
        }
        assertThat(Set.copyOf(containers.pods("run"))).isEqualTo(before);
    }

    @Test
    void usersResolveSafelyThroughATrickyPasswd() throws Exception {
        String passwd = String.join("\n",
                "root:x:0:0:root:/root:/bin/sh",
                "+nis:x:0:0::/:/bin/sh",
                "-minus:x:0:0::/:/bin/sh",
                "#comment:x:0:0::/:/bin/sh",
                "big:x:4294967296:0::/:/bin/sh",
                "huge:x:99999999999999999999:0::/:/bin/sh",
                "neg:x:-1:0::/:/bin/sh",
                "short:x:1002",
                "1000:x:0:0:a user named like a number:/:/bin/sh",
                "app:x:1000:1000::/home/app:/bin/sh",
                "dup:x:1001:1001::/dup-first:/bin/sh",
                "dup:x:0:0::/dup-second:/bin/sh",
                "rel:x:1003:1003::../../etc:/bin/sh",
                "long:x:1004:1004:" + "g".repeat(200_000) + ":/home/long:/bin/sh",
                "");
        String group = "root:x:0:\napp:x:1000:\nwheel:x:10:app,dup,,,\nbig:x:4294967296:app\n";
        String image = image("tricky-passwd", new TarLayer().file("etc/passwd", passwd).file("etc/group", group));
        String[][] expected = {
                {"1000", "uid=1000 gid=1000 groups=1000,10 HOME=/home/app"},  // a number is a uid, never a name
                {"dup", "uid=1001 gid=1001 groups=1001,10 HOME=/dup-first"},  // the first entry wins
                {"rel", "uid=1003 gid=1003 groups=1003 HOME=/"},              // a relative home is not used
                {"long", "uid=1004 gid=1004 groups=1004 HOME=/home/long"},
                {"4242:10", "uid=4242 gid=10 groups=10 HOME=/"},
        };
        for (String[] e : expected) {
            JrunCli.Result r = containers.run("--rm", "-u", e[0], image, "sh", "-c", "echo uid=$(id -u) gid=$(id -g) groups=$(id -G | tr ' ' ,) HOME=$HOME");
            assertThat(r.stdout()).as("-u " + e[0] + ": " + r).isEqualTo(e[1] + "\n");
        }
        for (String user : List.of("+nis", "-minus", "#comment", "big", "huge", "neg", "short", "nobody")) {
            // "-u -minus": the value is the user's even though it starts with '-' (and -m is --memory)
            JrunCli.Result r = containers.run("--rm", "-u", user, image, "id");
            assertThat(r.exitCode()).as("-u " + user).isEqualTo(125);
            assertThat(r.stderr()).as("-u " + user).isEqualTo("jrun: unable to find user " + user
                    + ": no matching entries in the image's /etc/passwd: give a user the image has, or a numeric uid\n");
        }
        JrunCli.Result r = containers.run("--rm", "-u", "4294967295", image, "id");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).startsWith("jrun: invalid user or group id '4294967295'").hasLineCount(1);
    }

    @Test
    void passwdFilesThatAreNotPlainFilesAreNotRead() throws Exception {
        Path hostPasswd = Files.writeString(SENTINEL.resolve("passwd"), "evil:x:0:0::/:/bin/sh\n");
        try {
            String symlinked = image("passwd-symlink", new TarLayer().symlink("etc/passwd", hostPasswd.toString()));
            String fifo = image("passwd-fifo", new TarLayer().fifo("etc/passwd"));
            String directory = image("passwd-dir", new TarLayer().dir("etc/passwd"));
            for (String image : List.of(symlinked, fifo, directory)) {
                JrunCli.Result r = containers.run("--rm", "-u", image.equals(symlinked) ? "evil" : "app", image, "id");
                assertThat(r.exitCode()).as(image + ": " + r).isEqualTo(125);
                assertThat(r.stderr()).as(image).startsWith("jrun: unable to find user").hasLineCount(1);
                // a number needs no passwd (not id(1) either, which would read the FIFO and wait)
                JrunCli.Result numeric = containers.run("--rm", "-u", "0", image, "echo", "ran");
                assertThat(numeric.stdout()).as(image + ": " + numeric).isEqualTo("ran\n");
            }
        } finally {
            Files.delete(hostPasswd);
        }
        byte[] large = ("app:x:1000:1000::/home/app:/bin/sh\n" + "x".repeat(5 << 20)).getBytes();
        String huge = image("passwd-huge", new TarLayer().file("etc/passwd", large, 0644));
        JrunCli.Result r = containers.run("--rm", "-u", "app", huge, "id");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jrun: the image's /etc/passwd is larger than 4 MiB: fix the image,"
                + " or run with a numeric -u UID:GID\n");
    }

    static Stream<Arguments> hostileLayers() {
        return Stream.of(
                Arguments.of("parent-traversal", "../escape.txt",
                        (UnaryOperator<TarLayer>) l -> l.file("../escape.txt", "x")),
                Arguments.of("absolute-name", "/etc/jrun-security-pwned",
                        (UnaryOperator<TarLayer>) l -> l.file("/etc/jrun-security-pwned", "x")),
                Arguments.of("absolute-symlink-then-write", "escape/pwned.txt",
                        (UnaryOperator<TarLayer>) l -> l.symlink("escape", SENTINEL.toString()).file("escape/pwned.txt", "x")),
                Arguments.of("relative-symlink-then-write", "up" + SENTINEL + "/pwned.txt",
                        (UnaryOperator<TarLayer>) l -> l.symlink("up", "../../../../../../../../..")
                                .file("up" + SENTINEL + "/pwned.txt", "x")),
                Arguments.of("hardlink-out", "passwd-link",
                        (UnaryOperator<TarLayer>) l -> l.hardlink("passwd-link", "../../../../../../etc/passwd")),
                Arguments.of("whiteout-of-parent", "a/.wh..",
                        (UnaryOperator<TarLayer>) l -> l.dir("a").file("a/.wh..", "")));
    }

    /** The fetch issue's malicious layers, as the top layer of an image given to jrun run. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileLayers")
    void maliciousLayersAreRefusedByRunAndLeaveNothing(String name, String entry, UnaryOperator<TarLayer> layer) throws Exception {
        Path layout = DerivedImage.withLayer(TestImages.layout("busybox"), images.resolve("hostile-" + name),
                layer.apply(new TarLayer().file("fine.txt", "fine")).bytes(), c -> { });
        Set<Path> before = Set.copyOf(containers.pods("run"));
        JrunCli.Result r = containers.run("--rm", "oci:" + layout + ":latest", "true");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        assertThat(r.stderr()).startsWith("jrun: ").contains(entry).hasLineCount(1);
        assertThat(Path.of("/etc/jrun-security-pwned")).doesNotExist();
        assertThat(Set.copyOf(containers.pods("run"))).as("no pod made").isEqualTo(before);
        JrunCli.Result list = containers.jrun.run("image", "list", "--format", "json");
        assertThat(list.stdout()).as("the image is not in the store").doesNotContain("hostile-" + name);
    }
}
