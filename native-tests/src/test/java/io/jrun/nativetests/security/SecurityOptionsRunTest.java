package io.jrun.nativetests.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.DerivedImage;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.nativetests.harness.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --cap-add}, {@code --cap-drop}, {@code --security-opt no-new-privileges=} and
 * {@code unmask=}, and {@code --privileged}, seen from inside the container; bad values are
 * refused before anything is made; pod.json records what the app runs with.
 */
@ExtendWith(HostLeftAsItWas.class)
class SecurityOptionsRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NONE = "0000000000000000";
    private static final long DEFAULT_CAPS = 0x800405fbL;
    private static final int CAP_CHOWN = 0, CAP_NET_ADMIN = 12, CAP_SYS_PTRACE = 19;

    @TempDir
    static Path state;
    @TempDir
    static Path images;
    static Containers containers;
    /** busybox with /usr/local/bin/euid: a setuid-root program that exits with its effective uid. */
    static String setuidImage;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        ProbeElf.requireX86_64();
        containers = Containers.open(state);
        byte[] layer = new TarLayer().file("usr/local/bin/euid", ProbeElf.result(107), 04755).bytes(); // geteuid
        setuidImage = containers.fetch(DerivedImage.withLayer(TestImages.layout("busybox"), images.resolve("setuid"), layer,
                c -> { }));
    }

    @AfterEach
    void noPodHalfMade() throws Exception {
        containers.assertNoPodHalfMade();
    }

    private static String status(String... options) throws Exception {
        JrunCli.Result r = containers.sh(List.of(options),
                "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status | tr -d '\\t'");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.stdout();
    }

    private static String sets(long inh, long prm, long eff, long bnd, long amb, int nnp, int seccomp) {
        return "CapInh:%016x\nCapPrm:%016x\nCapEff:%016x\nCapBnd:%016x\nCapAmb:%016x\nNoNewPrivs:%d\nSeccomp:%d\n"
                .formatted(inh, prm, eff, bnd, amb, nnp, seccomp);
    }

    @Test
    void capAddAndCapDropShapeAllFiveSets() throws Exception {
        long set = (DEFAULT_CAPS | 1L << CAP_NET_ADMIN | 1L << CAP_SYS_PTRACE) & ~(1L << CAP_CHOWN);
        assertThat(status("--cap-add", "NET_ADMIN", "--cap-add", "cap_sys_ptrace", "--cap-drop", "Chown"))
                .isEqualTo(sets(0, set, set, set, 0, 1, 2));
        assertThat(status("--cap-add", "net_admin,sys_ptrace", "--cap-drop", "CHOWN")).as("comma-separated")
                .isEqualTo(sets(0, set, set, set, 0, 1, 2));
        assertThat(status("--cap-add", "net_admin", "-u", "app")).as("another user: in the bounding set only")
                .isEqualTo(sets(0, 0, 0, DEFAULT_CAPS | 1L << CAP_NET_ADMIN, 0, 1, 2));
        assertThat(status("--cap-drop", "ALL")).isEqualTo(sets(0, 0, 0, 0, 0, 1, 2));
        long two = 1L << CAP_CHOWN | 1L << CAP_NET_ADMIN;
        assertThat(status("--cap-drop", "all", "--cap-add", "chown", "--cap-add", "NET_ADMIN"))
                .isEqualTo(sets(0, two, two, two, 0, 1, 2));
    }

    @Test
    void capAddOpensWhatTheSeccompProfileGatesOnTheCapability() throws Exception {
        String script = "mount -t tmpfs none /tmp 2>/dev/null && echo mounted || echo refused";
        assertThat(containers.sh(List.of(), script).stdout()).isEqualTo("refused\n");
        assertThat(containers.sh(List.of("--cap-add", "SYS_ADMIN"), script).stdout())
                .as("mount needs CAP_SYS_ADMIN, and the profile allows it with that capability").isEqualTo("mounted\n");
        JrunCli.Result r = containers.sh(List.of("--cap-drop", "CHOWN"), "chown 1 /tmp && echo chowned || echo refused");
        assertThat(r.stdout()).isEqualTo("refused\n");
    }

    @Test
    void noNewPrivilegesFalseLetsSetuidWork() throws Exception {
        long euidOfApp = 1000 & 0xff; // exit statuses keep 8 bits
        JrunCli.Result confined = containers.run("--rm", "-u", "app", setuidImage, "/usr/local/bin/euid");
        assertThat(confined.exitCode()).as("no_new_privs: the setuid bit is ignored " + confined).isEqualTo(euidOfApp);
        JrunCli.Result lifted = containers.run("--rm", "-u", "app", "--security-opt", "no-new-privileges=false", setuidImage,
                "/usr/local/bin/euid");
        assertThat(lifted.exitCode()).as("root through the setuid bit " + lifted).isZero();
        assertThat(status("--security-opt", "no-new-privileges=false"))
                .as("the filter installed before the capability drop, the capabilities as usual")
                .isEqualTo(sets(0, DEFAULT_CAPS, DEFAULT_CAPS, DEFAULT_CAPS, 0, 0, 2));
        assertThat(status("--security-opt", "no-new-privileges=false", "--cap-drop", "ALL")).isEqualTo(sets(0, 0, 0, 0, 0, 0, 2));
    }

    @Test
    void unmaskOpensMaskedAndReadOnlyPaths() throws Exception {
        String script = "stat -c %F /proc/keys; ls -A /sys/firmware | wc -l; awk '$5 == \"/proc/sys\" { print substr($6, 1, 2) }' /proc/self/mountinfo";
        String hostFirmware;
        try (Stream<Path> s = Files.list(Path.of("/sys/firmware"))) {
            hostFirmware = String.valueOf(s.count());
        }
        assertThat(containers.sh(List.of(), script).stdout()).isEqualTo("character special file\n0\nro\n");
        assertThat(containers.sh(List.of("--security-opt", "unmask=/proc/keys"), script).stdout())
                .isEqualTo("regular empty file\n0\nro\n");
        assertThat(containers.sh(List.of("--security-opt", "unmask=/sys/*:/proc/sys"), script).stdout())
                .isEqualTo("character special file\n" + hostFirmware + "\n");
        JrunCli.Result all = containers.sh(List.of("--security-opt", "unmask=ALL"), script + "; grep NoNewPrivs /proc/self/status");
        assertThat(all.stdout()).isEqualTo("regular empty file\n" + hostFirmware + "\nNoNewPrivs:\t1\n");
    }

    @Test
    void privilegedGetsTheHostsDevicesAndWritableKernelFileSystems() throws Exception {
        Set<String> hostDevices = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/dev"))) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (Set.of("console", "ptmx").contains(name) || Files.isSymbolicLink(p) || Files.isDirectory(p)
                        || Files.isRegularFile(p)) {
                    continue;
                }
                long rdev = ((Number) Files.getAttribute(p, "unix:rdev")).longValue(); // glibc's encoding
                long major = (rdev >>> 8 & 0xfff) | (rdev >>> 32 & ~0xfffL);
                long minor = (rdev & 0xff) | (rdev >>> 12 & ~0xffL);
                hostDevices.add(name + " " + Long.toHexString(major) + ":" + Long.toHexString(minor));
            }
        }
        assertThat(hostDevices).as("the host has devices beyond the default set").contains("kmsg 1:b");
        String script = "for f in /dev/*; do [ ! -L $f ] && [ -b $f -o -c $f ] && stat -c '%n %t:%T' $f; done | sed 's|^/dev/||'; "
                + "echo sys=$(awk '$5 == \"/sys\" { print substr($6, 1, 2) }' /proc/self/mountinfo); "
                + "echo 1 > /proc/sys/kernel/ns_last_pid 2>/dev/null && echo proc-sys-written || echo proc-sys-refused";
        JrunCli.Result r = containers.sh(List.of("--privileged"), script);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.subList(0, lines.size() - 2)).containsExactlyInAnyOrderElementsOf(hostDevices);
        assertThat(lines.subList(lines.size() - 2, lines.size())).containsExactly("sys=rw", "proc-sys-written");

        r = containers.sh(List.of(), script);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout().lines().toList()).as("the default /dev").containsExactly("full 1:7", "null 1:3", "random 1:8",
                "tty 5:0", "urandom 1:9", "zero 1:5", "sys=ro", "proc-sys-refused");
    }

    @Test
    void badSecurityOptionsAreRefusedBeforeAnythingIsMade() throws Exception {
        Set<Path> before = Set.copyOf(containers.pods("run"));
        String[][] cases = {
                {"--cap-add", "NET_ADMINS", "unknown capability 'NET_ADMINS' in --cap-add"},
                {"--cap-drop", "bogus", "unknown capability 'bogus' in --cap-drop"},
                {"--security-opt", "no-new-privileges=maybe", "use no-new-privileges=true or no-new-privileges=false"},
                {"--security-opt", "unmask=/proc/kcor", "matches none of the masked or read-only paths"},
                {"--security-opt", "apparmor=docker-default", "unsupported --security-opt 'apparmor=docker-default'"},
        };
        for (String[] c : cases) {
            JrunCli.Result r = containers.run("--rm", c[0], c[1], containers.busybox, "true");
            assertThat(r.exitCode()).as(c[1]).isEqualTo(125);
            assertThat(r.stderr()).as(c[1]).startsWith("jrun: ").contains(c[2]).hasLineCount(1);
        }
        JrunCli.Result r = containers.run("--rm", "--cap-add", "net_admin", "--cap-drop", "CAP_NET_ADMIN", containers.busybox, "true");
        assertThat(r.stderr()).isEqualTo("jrun: capability CAP_NET_ADMIN is both added and dropped: keep it in one of"
                + " --cap-add and --cap-drop\n");
        assertThat(Set.copyOf(containers.pods("run"))).isEqualTo(before);
    }

    @Test
    void podJsonRecordsWhatTheAppRunsWith() throws Exception {
        Path uuidFile = dir.resolve("uuid");
        JrunCli.Result r = containers.run("--uuid-file-save", uuidFile.toString(), "--cap-add", "net_admin", "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges=false", "--security-opt", "unmask=/proc/keys",
                "--security-opt", "seccomp=unconfined", containers.busybox, "true");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode security = JSON.readTree(containers.state.resolve("pods/run").resolve(Files.readString(uuidFile))
                .resolve("pod.json").toFile()).get("security");
        assertThat(security.get("privileged").asBoolean()).isFalse();
        assertThat(security.get("capabilities").toString()).isEqualTo("[\"CAP_NET_ADMIN\"]");
        assertThat(security.get("noNewPrivileges").asBoolean()).isFalse();
        assertThat(security.get("seccomp").asText()).isEqualTo("unconfined");
        assertThat(security.get("maskedPaths").toString()).doesNotContain("/proc/keys").contains("/proc/kcore");
        assertThat(security.get("readOnlyPaths").toString()).contains("/proc/sys");

        r = containers.run("--uuid-file-save", uuidFile.toString(), "--privileged", containers.busybox, "true");
        security = JSON.readTree(containers.state.resolve("pods/run").resolve(Files.readString(uuidFile))
                .resolve("pod.json").toFile()).get("security");
        assertThat(security.get("privileged").asBoolean()).isTrue();
        assertThat(security.get("capabilities").toString()).contains("CAP_SYS_ADMIN", "CAP_SYS_MODULE");
        assertThat(security.get("noNewPrivileges").asBoolean()).isFalse();
        assertThat(security.get("seccomp").asText()).isEqualTo("unconfined");
        assertThat(security.get("maskedPaths")).isEmpty();
        assertThat(security.get("readOnlyPaths")).isEmpty();
    }
}
