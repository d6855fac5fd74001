package io.jrun.nativetests.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.nativetests.harness.OciBundles;
import io.jrun.nativetests.harness.OciCli;
import io.jrun.nativetests.harness.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.jrun.nativetests.harness.OciBundles.args;
import static io.jrun.nativetests.harness.OciBundles.bind;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The requirements the opencontainers runtime-tools {@code validation/} programs check, one
 * test per requirement, driving the real jrun-oci as each program drives its runtime
 * (create/start/state/kill/delete, the program's config settings) and checking from inside the
 * container with busybox what {@code runtimetest} checks. docs/oci-runtime.md maps each program
 * to its test here.
 */
@ExtendWith(HostLeftAsItWas.class)
class OciValidationTest {
    /** One umoci unpack per class; each test copies it (umoci is the slow part). */
    private static Path template;

    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    OciCli oci;
    int bundles;
    final List<Process> helpers = new ArrayList<>();

    @BeforeAll
    static void unpack() throws IOException {
        template = OciBundles.umoci(shared, c -> { });
        // what linux_masked_paths and linux_readonly_paths put in the root before create
        Path root = template.resolve("rootfs");
        Files.createDirectories(root.resolve("masked-dir/masked-subdir"));
        Files.writeString(root.resolve("masked-dir/masked-subdir/tmpfile"), "secrets\n");
        Files.writeString(root.resolve("masked-dir/masked-subdir/masked-file"), "secrets\n");
        Files.writeString(root.resolve("masked-dir/masked-file"), "secrets\n");
        Files.writeString(root.resolve("masked-file"), "secrets\n");
        Files.createSymbolicLink(root.resolve("masked-link"), Path.of("masked-file"));
        Tools.check(List.of("mknod", "-m", "666", root.resolve("masked-chr").toString(), "c", "1", "5"), 30); // zero
        Tools.check(List.of("mknod", "-m", "666", root.resolve("masked-blk").toString(), "b", "0", "0"), 30);
        Tools.check(List.of("mkfifo", "-m", "666", root.resolve("masked-fifo").toString()), 30);
        Files.createDirectories(root.resolve("readonly-dir/readonly-subdir"));
        Files.writeString(root.resolve("readonly-file"), "secrets\n");
    }

    @BeforeEach
    void setUp() {
        oci = new OciCli(dir.resolve("root"));
    }

    @AfterEach
    void nothingLeft() throws Exception {
        for (Process p : helpers) { // the unshare helpers: their children first, then them
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
        List<String> left = new ArrayList<>();
        if (Files.isDirectory(dir.resolve("root"))) {
            try (var entries = Files.list(dir.resolve("root"))) {
                left = entries.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
            }
        }
        for (String id : left) {
            oci.run("delete", "--force", id); // a failed test's container must not outlive it
        }
        assertThat(left).as("containers left in --root").isEmpty();
    }

    // ---- what runtimetest checks inside the container

    /** hostname: the UTS namespace has the configured hostname. */
    @Test
    void hostnameIsSet() throws Exception {
        String out = inside("hostname; cat /proc/sys/kernel/hostname", c -> c.put("hostname", "hostname-specific"));
        assertThat(out).isEqualTo("hostname-specific\nhostname-specific\nrc=0\n");
    }

    /** process: cwd, env, args and noNewPrivileges, as listed. */
    @Test
    void processCwdEnvArgsAndNoNewPrivileges() throws Exception {
        String script = "pwd; echo \"$VALIDATION\"; tr '\\0' '|' < /proc/self/cmdline; echo; tr '\\0' '|' < /proc/1/cmdline; echo;"
                + " grep NoNewPrivs /proc/self/status";
        String out = inside(script, c -> {
            process(c).put("cwd", "/var");
            ((ArrayNode) process(c).get("env")).add("VALIDATION=one two");
            process(c).put("noNewPrivileges", true);
        });
        assertThat(out).startsWith("/var\none two\n")
                .contains("\n/bin/sh|-c|(" + script + ") > /out/result 2>&1; echo \"rc=$?\" >> /out/result|\n")
                .endsWith("NoNewPrivs:\t1\nrc=0\n");
        String without = inside("grep NoNewPrivs /proc/self/status", c -> process(c).put("noNewPrivileges", false));
        assertThat(without).isEqualTo("NoNewPrivs:\t0\nrc=0\n");
    }

    /** process_capabilities: the five sets are exactly the listed ones. */
    @Test
    void capabilitiesAreTheListedSets() throws Exception {
        String out = inside("grep ^Cap /proc/self/status", c -> {
            ObjectNode caps = process(c).putObject("capabilities");
            for (String set : List.of("bounding", "effective", "permitted", "inheritable", "ambient")) {
                strings(caps.putArray(set), "CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW");
            }
        });
        // CAP_CHOWN 0, CAP_KILL 5, CAP_NET_RAW 13
        assertThat(out).isEqualTo("CapInh:\t0000000000002021\nCapPrm:\t0000000000002021\nCapEff:\t0000000000002021\n"
                + "CapBnd:\t0000000000002021\nCapAmb:\t0000000000002021\nrc=0\n");
    }

    /** process_capabilities_fail: a name that is no capability is an error, not skipped. */
    @Test
    void anUnknownCapabilityIsAnError() throws Exception {
        refused(c -> {
            ObjectNode caps = (ObjectNode) process(c).get("capabilities");
            ((ArrayNode) caps.get("bounding")).add("CAP_TEST");
        }, "CAP_TEST");
    }

    /** process_user: uid, gid and the additional gids. */
    @Test
    void userAndGroupsAreSet() throws Exception {
        String out = inside("grep -E '^(Uid|Gid|Groups)' /proc/self/status", c -> {
            ObjectNode user = process(c).putObject("user");
            user.put("uid", 1000).put("gid", 1001);
            user.putArray("additionalGids").add(10).add(20);
        });
        assertThat(out).isEqualTo("Uid:\t1000\t1000\t1000\t1000\nGid:\t1001\t1001\t1001\t1001\nGroups:\t10 20 \nrc=0\n");
    }

    /** process_rlimits: every listed limit, soft and hard (all at or below this host's hard limits). */
    @Test
    void rlimitsAreSet() throws Exception {
        long g = 1024L * 1024 * 1024;
        String out = inside("cat /proc/self/limits", c -> {
            ArrayNode limits = process(c).putArray("rlimits");
            Object[][] table = {{"RLIMIT_AS", 2 * g, g}, {"RLIMIT_CORE", 4 * g, 3 * g}, {"RLIMIT_DATA", 6 * g, 5 * g},
                    {"RLIMIT_FSIZE", 8 * g, 7 * g}, {"RLIMIT_STACK", 10 * g, 9 * g}, {"RLIMIT_CPU", 120L, 60L},
                    {"RLIMIT_NOFILE", 4000L, 3000L}};
            for (Object[] row : table) {
                limits.addObject().put("type", (String) row[0]).put("hard", (Long) row[1]).put("soft", (Long) row[2]);
            }
        });
        assertThat(out).containsPattern("Max address space +" + g + " +" + 2 * g + " ")
                .containsPattern("Max core file size +" + 3 * g + " +" + 4 * g + " ")
                .containsPattern("Max data size +" + 5 * g + " +" + 6 * g + " ")
                .containsPattern("Max file size +" + 7 * g + " +" + 8 * g + " ")
                .containsPattern("Max stack size +" + 9 * g + " +" + 10 * g + " ")
                .containsPattern("Max cpu time +60 +120 ")
                .containsPattern("Max open files +3000 +4000 ")
                .endsWith("rc=0\n");
    }

    /** process_rlimits_fail: a type the kernel does not have is an error. */
    @Test
    void anUnknownRlimitIsAnError() throws Exception {
        refused(c -> process(c).putArray("rlimits").addObject().put("type", "RLIMIT_TEST").put("hard", 1024).put("soft", 1024),
                "RLIMIT_TEST");
    }

    /** process_oom_score_adj: the score as configured (raised: no privilege needed). */
    @Test
    void oomScoreAdjIsSet() throws Exception {
        assertThat(inside("cat /proc/self/oom_score_adj", c -> process(c).put("oomScoreAdj", 500))).isEqualTo("500\nrc=0\n");
    }

    /** linux_sysctl: namespaced sysctls are set in the container's own namespaces, not the host's. */
    @Test
    void sysctlsAreSetInTheContainersNamespaces() throws Exception {
        String hostForward = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward"));
        String hostShmmni = Files.readString(Path.of("/proc/sys/kernel/shmmni"));
        String out = inside("cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni", c ->
                linux(c).putObject("sysctl").put("net.ipv4.ip_forward", "1").put("kernel.shmmni", "8192"));
        assertThat(out).isEqualTo("1\n8192\nrc=0\n");
        assertThat(Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward"))).as("the host's").isEqualTo(hostForward);
        assertThat(Files.readString(Path.of("/proc/sys/kernel/shmmni"))).as("the host's").isEqualTo(hostShmmni);
    }

    /** mounts: a tmpfs with options is mounted, and mountinfo lists the mounts in the configured order. */
    @Test
    void mountsAreMountedWithTheirOptions() throws Exception {
        String out = inside("cat /proc/self/mountinfo", c -> {
            ObjectNode m = ((ArrayNode) c.get("mounts")).addObject();
            m.put("destination", "/tmp").put("type", "tmpfs").put("source", "tmpfs");
            strings(m.putArray("options"), "nosuid", "strictatime", "mode=755", "size=1k");
        });
        String tmp = out.lines().filter(l -> l.split(" ")[4].equals("/tmp")).findFirst().orElseThrow();
        assertThat(tmp).contains(" - tmpfs tmpfs ").contains("nosuid").contains("mode=755");
        List<String> order = out.lines().filter(l -> l.contains(" - ")).map(l -> l.split(" ")[4])
                .filter(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/out", "/tmp")::contains)
                .distinct().toList();
        assertThat(order).as("the configured order").containsExactly("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue",
                "/sys", "/out", "/tmp");
    }

    /** root_readonly_true: the root cannot be written; a read-write bind mount in it still can. */
    @Test
    void aReadonlyRootCannotBeWritten() throws Exception {
        String out = inside("touch /root-was-written; echo touch=$?; touch /out/bind-was-written; echo bind=$?",
                c -> ((ObjectNode) c.get("root")).put("readonly", true));
        assertThat(out).contains("Read-only file system").contains("touch=1\n").endsWith("bind=0\nrc=0\n");
        assertThat(dir.resolve("bundle" + bundles).resolve("rootfs/root-was-written")).doesNotExist();
    }

    /** linux_devices: character, block and FIFO nodes with their numbers, mode and owner. */
    @Test
    void devicesAreMadeAsListed() throws Exception {
        String out = inside("stat -c '%n %F %t:%T %a %u:%g' /dev/file1 /dev/file2 /dev/file3", c -> {
            ArrayNode devices = linux(c).putArray("devices");
            devices.addObject().put("path", "/dev/file1").put("type", "c").put("major", 1).put("minor", 3)
                    .put("fileMode", 0644).put("uid", 0).put("gid", 0);
            devices.addObject().put("path", "/dev/file2").put("type", "b").put("major", 7).put("minor", 17)
                    .put("fileMode", 0600).put("uid", 1).put("gid", 2);
            devices.addObject().put("path", "/dev/file3").put("type", "p").put("fileMode", 0666).put("uid", 3).put("gid", 4);
        });
        assertThat(out).isEqualTo("/dev/file1 character special file 1:3 644 0:0\n/dev/file2 block special file 7:11 600 1:2\n"
                + "/dev/file3 fifo 0:0 666 3:4\nrc=0\n");
    }

    /** linux_seccomp: default allow, getcwd fails with an errno. */
    @Test
    void seccompErrnoForOneSyscall() throws Exception {
        String out = inside("grep ^Seccomp: /proc/self/status; cd /var && /bin/pwd; echo pwd=$?", c -> {
            ObjectNode seccomp = linux(c).putObject("seccomp");
            seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
            strings(seccomp.putArray("architectures"), "SCMP_ARCH_X86_64");
            ObjectNode rule = seccomp.putArray("syscalls").addObject();
            strings(rule.putArray("names"), "getcwd");
            rule.put("action", "SCMP_ACT_ERRNO");
        });
        assertThat(out).startsWith("Seccomp:\t2\n").contains("Operation not permitted").doesNotContain("\n/var\n")
                .endsWith("pwd=1\nrc=0\n");
    }

    /**
     * linux_masked_paths: a masked directory is empty, masked files, character and block devices
     * and FIFOs read nothing (a FIFO would block, a zero device never end).
     */
    @Test
    void maskedPathsReadNothing() throws Exception {
        String out = inside("ls -A /masked-dir | wc -l; cat /masked-file; head -c 1 /masked-chr | wc -c;"
                + " head -c 1 /masked-blk | wc -c; cat /masked-fifo; echo end", c -> {
            strings((ArrayNode) linux(c).get("maskedPaths"), "/masked-dir", "/masked-file", "/masked-dir/masked-subdir",
                    "/masked-dir/masked-file", "/masked-chr", "/masked-blk", "/masked-fifo");
        });
        assertThat(out).isEqualTo("0\n0\n0\nend\nrc=0\n");
    }

    /** linux_masked_paths: a relative masked path is an error. */
    @Test
    void maskedPathMustBeAbsolute() throws Exception {
        refused(c -> strings((ArrayNode) linux(c).get("maskedPaths"), "masked-relpath"), "masked-relpath");
        refused(c -> strings((ArrayNode) linux(c).get("readonlyPaths"), "readonly-relpath"), "readonly-relpath");
    }

    /**
     * linux_masked_paths: a masked symlink is followed inside the root, so its target is what is
     * covered; one that loops (the program's /masked-symlink to ../masked-symlink) is an error.
     */
    @Test
    void aMaskedSymlinkMasksItsTargetAndALoopIsAnError() throws Exception {
        String out = inside("cat /masked-link; cat /masked-file; readlink /masked-link", c ->
                strings((ArrayNode) linux(c).get("maskedPaths"), "/masked-link"));
        assertThat(out).isEqualTo("masked-file\nrc=0\n");
        Path bundle = bundle(c -> {
            args(c, "/bin/true");
            strings((ArrayNode) linux(c).get("maskedPaths"), "/masked-symlink");
        });
        Files.createSymbolicLink(bundle.resolve("rootfs/masked-symlink"), Path.of("../masked-symlink"));
        OciCli.Result loop = oci.run("create", "--bundle", bundle.toString(), "m1");
        assertThat(loop.exitCode()).as(loop.toString()).isEqualTo(125);
        assertThat(loop.stderr()).contains("ELOOP").hasLineCount(1);
        assertThat(oci.run("state", "m1").stderr()).contains("does not exist");
    }

    /** linux_readonly_paths: read-only directories and files cannot be written; the rest of the root can. */
    @Test
    void readonlyPathsCannotBeWritten() throws Exception {
        String out = inside("touch /readonly-dir/x; echo dir=$?; touch /readonly-dir/readonly-subdir/x; echo subdir=$?;"
                + " echo x >> /readonly-file; echo file=$?; cat /readonly-file; touch /writable; echo rest=$?", c ->
                strings((ArrayNode) linux(c).get("readonlyPaths"), "/readonly-dir", "/readonly-dir/readonly-subdir",
                        "/readonly-file"));
        assertThat(out).contains("dir=1\n").contains("subdir=1\n").contains("file=1\n").contains("secrets\n")
                .contains("Read-only file system").endsWith("rest=0\nrc=0\n");
    }

    // ---- namespaces, seen from outside as the programs do: /proc/PID/ns after create

    /** linux_ns_nopath: every namespace listed without a path is a new one (user: not supported). */
    @Test
    void namespacesWithoutAPathAreNew() throws Exception {
        Path bundle = bundle(c -> {
            args(c, "/bin/sleep", "1000");
            linux(c).withArray("namespaces").addObject().put("type", "cgroup");
        });
        oci.check("create", "--bundle", bundle.toString(), "ns1");
        long pid = state("ns1").path("pid").asLong();
        for (String ns : List.of("cgroup", "ipc", "mnt", "net", "pid", "uts")) {
            assertThat(ns(pid, ns)).as(ns).isNotEqualTo(ns(ProcessHandle.current().pid(), ns));
        }
        oci.check("delete", "--force", "ns1");
    }

    /** linux_ns_path: ipc, net, pid and uts namespaces made by unshare are joined by their paths; mnt is refused. */
    @Test
    void namespacesAreJoinedByPath() throws Exception {
        long holder = unshared("--ipc", "--net", "--pid", "--uts");
        Path bundle = bundle(c -> {
            args(c, "/bin/sleep", "1000");
            c.remove("hostname"); // a joined UTS namespace keeps its own
            ArrayNode namespaces = linux(c).putArray("namespaces");
            namespaces.addObject().put("type", "mount");
            namespaces.addObject().put("type", "ipc").put("path", "/proc/" + holder + "/ns/ipc");
            namespaces.addObject().put("type", "network").put("path", "/proc/" + holder + "/ns/net");
            namespaces.addObject().put("type", "pid").put("path", "/proc/" + holder + "/ns/pid_for_children");
            namespaces.addObject().put("type", "uts").put("path", "/proc/" + holder + "/ns/uts");
            ((ObjectNode) linux(c)).remove("sysctl");
        });
        oci.check("create", "--bundle", bundle.toString(), "ns2");
        long pid = state("ns2").path("pid").asLong();
        assertThat(ns(pid, "ipc")).isEqualTo(ns(holder, "ipc"));
        assertThat(ns(pid, "net")).isEqualTo(ns(holder, "net"));
        assertThat(ns(pid, "pid")).isEqualTo(ns(holder, "pid_for_children"));
        assertThat(ns(pid, "uts")).isEqualTo(ns(holder, "uts"));
        assertThat(ns(pid, "mnt")).isNotEqualTo(ns(holder, "mnt"));
        oci.check("delete", "--force", "ns2");

        refused(c -> {
            for (var ns : linux(c).withArray("namespaces")) {
                if (ns.path("type").asText().equals("mount")) {
                    ((ObjectNode) ns).put("path", "/proc/" + holder + "/ns/mnt");
                }
            }
        }, "mount namespace by path is not supported");
    }

    /** linux_ns_path_type: a path to a namespace of another type is an error. */
    @Test
    void aNamespacePathOfTheWrongTypeIsAnError() throws Exception {
        long holder = unshared("--net");
        refused(c -> {
            for (var ns : linux(c).withArray("namespaces")) {
                if (ns.path("type").asText().equals("ipc")) {
                    ((ObjectNode) ns).put("path", "/proc/" + holder + "/ns/net");
                }
            }
        }, "ipc namespace /proc/" + holder + "/ns/net");
    }

    // ---- rootfsPropagation: the root mount's propagation, in mountinfo's optional fields

    String rootMount(String propagation) throws Exception {
        String out = inside("grep -E '^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / ' /proc/self/mountinfo; mkdir -p /mnt/bound;"
                + " mount --bind / /mnt/bound && echo bound && umount /mnt/bound", c -> {
            linux(c).put("rootfsPropagation", propagation);
            strings((ArrayNode) process(c).with("capabilities").withArray("bounding"), "CAP_SYS_ADMIN");
            strings((ArrayNode) process(c).with("capabilities").withArray("effective"), "CAP_SYS_ADMIN");
            strings((ArrayNode) process(c).with("capabilities").withArray("permitted"), "CAP_SYS_ADMIN");
        });
        return out;
    }

    @Test
    void rootfsPropagationShared() throws Exception {
        String out = rootMount("shared");
        assertThat(out.lines().findFirst().orElseThrow()).contains(" shared:");
        assertThat(out).contains("bound\n");
    }

    @Test
    void rootfsPropagationSlave() throws Exception {
        String out = rootMount("slave");
        assertThat(out.lines().findFirst().orElseThrow()).doesNotContain(" shared:").doesNotContain("unbindable");
        assertThat(out).contains("bound\n");
    }

    @Test
    void rootfsPropagationPrivate() throws Exception {
        String out = rootMount("private");
        assertThat(out.lines().findFirst().orElseThrow()).doesNotContain(" shared:").doesNotContain(" master:")
                .doesNotContain("unbindable");
        assertThat(out).contains("bound\n");
    }

    /** runtimetest's check: a bind mount of an unbindable root fails (EINVAL). */
    @Test
    void rootfsPropagationUnbindable() throws Exception {
        String out = rootMount("unbindable");
        assertThat(out.lines().findFirst().orElseThrow()).contains(" unbindable");
        assertThat(out).doesNotContain("bound\n").contains("Invalid argument");
    }

    // ---- hooks, on the host, with the state on stdin

    ObjectNode hook(ObjectNode c, String stage, String script) {
        ObjectNode hook = c.with("hooks").withArray(stage).addObject();
        hook.put("path", "/bin/sh");
        strings(hook.putArray("args"), "sh", "-c", script);
        return hook;
    }

    /** hooks, prestart, poststart, poststop: each stage's hooks in the listed order, stage after stage. */
    @Test
    void hooksRunInTheListedOrder() throws Exception {
        Path output = dir.resolve("hooks-output");
        Path bundle = bundle(c -> {
            args(c, "/bin/true");
            for (String[] h : new String[][]{{"prestart", "pre-start"}, {"poststart", "post-start"}, {"poststop", "post-stop"}}) {
                hook(c, h[0], "echo '" + h[1] + "1 called' >> " + output);
                hook(c, h[0], "echo '" + h[1] + "2 called' >> " + output);
            }
        });
        oci.check("create", "--bundle", bundle.toString(), "h1");
        assertThat(Files.readString(output)).as("after create").isEqualTo("pre-start1 called\npre-start2 called\n");
        oci.check("start", "h1");
        awaitStatus("h1", "stopped");
        oci.check("delete", "h1");
        assertThat(Files.readString(output)).isEqualTo("pre-start1 called\npre-start2 called\npost-start1 called\n"
                + "post-start2 called\npost-stop1 called\npost-stop2 called\n");
    }

    /** hooks_stdin: each hook reads the state: id, bundle, pid, annotations, and its stage's status. */
    @Test
    void hooksGetTheStateOnStdin() throws Exception {
        Path out = dir.resolve("hook-states");
        Files.createDirectories(out);
        Path bundle = bundle(c -> {
            args(c, "/bin/true"); // over at once: poststart must still see it running
            c.with("annotations").put("org.opencontainers.runtime-tools", "hook stdin test");
            for (String stage : List.of("prestart", "poststart", "poststop")) {
                hook(c, stage, "cat > " + out.resolve(stage)).put("timeout", 10);
            }
        });
        oci.check("create", "--bundle", bundle.toString(), "h2");
        long pid = state("h2").path("pid").asLong();
        oci.check("start", "h2");
        awaitStatus("h2", "stopped");
        oci.check("delete", "h2");
        for (String stage : List.of("prestart", "poststart", "poststop")) {
            JsonNode state = OciBundles.json().readTree(out.resolve(stage).toFile());
            assertThat(state.path("id").asText()).as(stage).isEqualTo("h2");
            assertThat(state.path("bundle").asText()).as(stage).isEqualTo(bundle.toString());
            assertThat(state.path("ociVersion").asText()).as(stage).startsWith("1.");
            assertThat(state.path("annotations").path("org.opencontainers.runtime-tools").asText()).as(stage)
                    .isEqualTo("hook stdin test");
            if (!stage.equals("poststop")) {
                assertThat(state.path("pid").asLong()).as(stage).isEqualTo(pid);
            }
            assertThat(state.path("status").asText()).as(stage).isEqualTo(switch (stage) {
                case "prestart" -> "created";
                case "poststart" -> "running";
                default -> "stopped";
            });
        }
    }

    /** prestart_fail: a failing prestart hook fails create; the process never runs; no container is left. */
    @Test
    void aFailingPrestartHookFailsCreate() throws Exception {
        Path bundle = bundle(c -> {
            args(c, "/bin/sh", "-c", "touch /output");
            c.with("hooks").withArray("prestart").addObject().put("path", "/bin/false");
        });
        OciCli.Result create = oci.run("create", "--bundle", bundle.toString(), "h3");
        assertThat(create.exitCode()).as(create.toString()).isEqualTo(125);
        assertThat(create.stderr()).contains("prestart hook /bin/false").hasLineCount(1);
        assertThat(oci.run("start", "h3").exitCode()).isNotZero();
        assertThat(oci.run("state", "h3").stderr()).contains("does not exist");
        Thread.sleep(200);
        assertThat(bundle.resolve("rootfs/output")).doesNotExist();
    }

    /** A bundle running true whose {@code stage} hooks are /bin/false, then one appending {@code text} to {@code output}. */
    Path failingHookFirst(String stage, Path output, String text) throws IOException {
        return bundle(c -> {
            args(c, "/bin/true");
            c.with("hooks").withArray(stage).addObject().put("path", "/bin/false");
            hook(c, stage, "echo '" + text + "' >> " + output);
        });
    }

    /** poststart_fail: a failing poststart hook is a warning; the next hook runs and start succeeds. */
    @Test
    void aFailingPoststartHookIsAWarning() throws Exception {
        Path output = dir.resolve("poststart-output");
        Path bundle = failingHookFirst("poststart", output, "post-start called");
        oci.check("create", "--bundle", bundle.toString(), "h4");
        OciCli.Result start = oci.run("start", "h4");
        assertThat(start.exitCode()).as(start.toString()).isZero();
        assertThat(start.stderr()).contains("poststart hook /bin/false");
        awaitStatus("h4", "stopped");
        oci.check("delete", "h4");
        assertThat(Files.readString(output)).isEqualTo("post-start called\n");
    }

    /** poststop_fail: a failing poststop hook is a warning; the next hook runs and delete succeeds. */
    @Test
    void aFailingPoststopHookIsAWarning() throws Exception {
        Path output = dir.resolve("poststop-output");
        Path bundle = failingHookFirst("poststop", output, "post-stop called");
        oci.check("create", "--bundle", bundle.toString(), "h5");
        oci.check("start", "h5");
        awaitStatus("h5", "stopped");
        OciCli.Result delete = oci.run("delete", "h5");
        assertThat(delete.exitCode()).as(delete.toString()).isZero();
        assertThat(delete.stderr()).contains("poststop hook /bin/false");
        assertThat(Files.readString(output)).isEqualTo("post-stop called\n");
        assertThat(oci.run("state", "h5").stderr()).contains("does not exist");
    }

    // ---- the operations: create, start, state, kill, delete

    /** create: an ID is required, and must be new. */
    @Test
    void createNeedsAnIdAndAUniqueOne() throws Exception {
        Path bundle = bundle(c -> args(c, "/bin/true"));
        OciCli.Result noId = oci.run("create", "--bundle", bundle.toString());
        assertThat(noId.exitCode()).as(noId.toString()).isNotZero();
        oci.check("create", "--bundle", bundle.toString(), "c1");
        assertThat(oci.run("create", "--bundle", bundle.toString(), "c1").stderr()).contains("exists already");
        assertThat(state("c1").path("status").asText()).isEqualTo("created");
        oci.check("delete", "--force", "c1");
    }

    /** start: needs the ID of a created container; runs the process once; a second start fails and changes nothing. */
    @Test
    void startRunsTheProcessOnce() throws Exception {
        Path bundle = bundle(c -> args(c, "/bin/sh", "-c", "echo 'process called' >> /output"));
        Path output = bundle.resolve("rootfs/output");
        assertThat(oci.run("start").exitCode()).as("without an ID").isNotZero();
        assertThat(oci.run("start", "s1").stderr()).contains("does not exist");
        oci.check("create", "--bundle", bundle.toString(), "s1");
        Thread.sleep(200);
        assertThat(output).as("not before start").doesNotExist();
        oci.check("start", "s1");
        awaitStatus("s1", "stopped");
        assertThat(Files.readString(output)).isEqualTo("process called\n");
        OciCli.Result again = oci.run("start", "s1");
        assertThat(again.exitCode()).isEqualTo(125);
        assertThat(again.stderr()).contains("s1 is stopped");
        assertThat(Files.readString(output)).isEqualTo("process called\n");
        oci.check("delete", "s1");
        // the program wants create without process to succeed; the specification says start must then fail: jrun refuses at create
        refused(c -> c.remove("process"), "process");
    }

    /** state: needs the ID of an existing container. */
    @Test
    void stateNeedsAnExistingContainer() throws Exception {
        assertThat(oci.run("state").exitCode()).as("without an ID").isNotZero();
        OciCli.Result missing = oci.run("state", "st1");
        assertThat(missing.exitCode()).isEqualTo(125);
        assertThat(missing.stderr()).contains("container st1 does not exist");
    }

    /** kill: needs a created or running container; sends the signal to either. */
    @Test
    void killNeedsACreatedOrRunningContainer() throws Exception {
        assertThat(oci.run("kill").exitCode()).as("without an ID").isNotZero();
        assertThat(oci.run("kill", "k1", "KILL").stderr()).contains("does not exist");

        Path quick = bundle(c -> args(c, "/bin/true"));
        oci.check("create", "--bundle", quick.toString(), "k1");
        oci.check("kill", "k1", "KILL"); // created
        awaitStatus("k1", "stopped");
        oci.check("delete", "k1");

        oci.check("create", "--bundle", quick.toString(), "k1");
        oci.check("start", "k1");
        awaitStatus("k1", "stopped");
        OciCli.Result stopped = oci.run("kill", "k1", "KILL");
        assertThat(stopped.exitCode()).as("a stopped container").isEqualTo(125);
        assertThat(stopped.stderr()).contains("k1 is stopped").hasLineCount(1);
        oci.check("delete", "k1");

        Path sleeping = bundle(c -> args(c, "/bin/sleep", "30"));
        oci.check("create", "--bundle", sleeping.toString(), "k1");
        oci.check("start", "k1");
        oci.check("kill", "k1", "KILL"); // running
        awaitStatus("k1", "stopped");
        oci.check("delete", "k1");
    }

    /** kill_no_effect: a kill of a stopped container fails and its state stays as it was. */
    @Test
    void killOfAStoppedContainerHasNoEffect() throws Exception {
        Path bundle = bundle(c -> args(c, "/bin/true"));
        oci.check("create", "--bundle", bundle.toString(), "k2");
        oci.check("start", "k2");
        awaitStatus("k2", "stopped");
        JsonNode before = state("k2");
        assertThat(oci.run("kill", "k2", "KILL").exitCode()).isNotZero();
        assertThat(state("k2")).isEqualTo(before);
        oci.check("delete", "k2");
    }

    /** killsig: TERM, USR1 and USR2 reach the container's pid 1, which traps them. */
    @Test
    void killDeliversTheNamedSignal() throws Exception {
        Path out = outDir();
        for (String signal : List.of("TERM", "USR1", "USR2")) {
            Path bundle = bundle(c -> {
                // ready once the trap is set: a signal before it would be ignored by pid 1
                args(c, "/bin/sh", "-c", "trap 'touch /out/" + signal + "' " + signal + "; touch /out/ready-" + signal
                        + "; sleep 30 & wait $!");
                bind(c, out, "/out");
            });
            oci.check("create", "--bundle", bundle.toString(), "k3");
            oci.check("start", "k3");
            awaitFile(out.resolve("ready-" + signal));
            oci.check("kill", "k3", signal);
            awaitStatus("k3", "stopped");
            oci.check("delete", "k3");
            assertThat(out.resolve(signal)).as(signal + " trapped").exists();
        }
    }

    /** delete: needs the ID of a stopped container; then it is gone. */
    @Test
    void deleteNeedsAStoppedContainer() throws Exception {
        assertThat(oci.run("delete").exitCode()).as("without an ID").isNotZero();
        assertThat(oci.run("delete", "d1").stderr()).contains("does not exist");
        Path bundle = bundle(c -> args(c, "/bin/sleep", "30"));
        oci.check("create", "--bundle", bundle.toString(), "d1");
        assertThat(oci.run("delete", "d1").stderr()).contains("d1 is created");
        oci.check("start", "d1");
        assertThat(oci.run("delete", "d1").stderr()).contains("d1 is running");
        oci.check("kill", "d1", "KILL");
        awaitStatus("d1", "stopped");
        oci.check("delete", "d1");
        assertThat(oci.run("state", "d1").stderr()).contains("does not exist");
    }

    /** delete_resources: delete removes the cgroup create made (cgroup v2 here, without limits). */
    @Test
    void deleteRemovesTheCgroupCreateMade() throws Exception {
        Path bundle = bundle(c -> args(c, "/bin/true"));
        oci.check("create", "--bundle", bundle.toString(), "d2");
        Path cgroup = cgroupOf(state("d2").path("pid").asLong());
        assertThat(cgroup).as("the container's own cgroup").isDirectory();
        oci.check("start", "d2");
        awaitStatus("d2", "stopped");
        oci.check("delete", "d2");
        assertThat(cgroup).as("removed by delete").doesNotExist();
    }

    /**
     * delete_only_create_resources: what the container was given but did not create survives
     * delete: here a cgroup v2 sibling the test made and moved the process into, as the program
     * does with a v1 pids cgroup, and the bind-mounted directory.
     */
    @Test
    void deleteLeavesWhatItDidNotCreate() throws Exception {
        Path out = outDir();
        Path bundle = bundle(c -> {
            args(c, "/bin/sh", "-c", "touch /out/ran");
            bind(c, out, "/out");
        });
        oci.check("create", "--bundle", bundle.toString(), "d3");
        long pid = state("d3").path("pid").asLong();
        Path own = cgroupOf(pid);
        Path mine = Files.createDirectory(own.getParent().resolve("validation-test-" + ProcessHandle.current().pid()));
        try {
            Files.writeString(mine.resolve("cgroup.procs"), Long.toString(pid));
            oci.check("start", "d3");
            awaitStatus("d3", "stopped");
            oci.check("delete", "d3");
            assertThat(mine).as("the test's cgroup").isDirectory();
            assertThat(out.resolve("ran")).exists();
        } finally {
            Files.deleteIfExists(mine);
        }
    }

    static Path cgroupOf(long pid) throws IOException {
        String line = Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")).stream().filter(l -> l.startsWith("0::"))
                .findFirst().orElseThrow(() -> new AssertionError("no cgroup v2 line for " + pid));
        return Path.of("/sys/fs/cgroup/unified" + line.substring(3));
    }

    // ---- config.json itself

    /** config_updates_without_affect: a config.json changed after create changes nothing of the container. */
    @Test
    void configUpdatedAfterCreateDoesNotAffectTheContainer() throws Exception {
        Path out = outDir();
        Path bundle = bundle(c -> {
            // masked: a mount on /proc/timer_list (the program's /proc/kcore is absent on this kernel); read-only: /proc/fs's mount options; shared: the root's optional field
            args(c, "/bin/sh", "-c", "(cat /proc/sys/net/ipv4/ip_forward /proc/self/oom_score_adj; ulimit -n; ulimit -Hn;"
                    + " grep -c ' /proc/timer_list ' /proc/self/mountinfo;"
                    + " grep ' /proc/fs ' /proc/self/mountinfo | cut -d' ' -f6 | cut -d, -f1;"
                    + " grep -cE '^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / .* shared:' /proc/self/mountinfo) > /out/result 2>&1");
            bind(c, out, "/out");
            linux(c).putObject("sysctl").put("net.ipv4.ip_forward", "1");
            process(c).put("oomScoreAdj", 100);
            process(c).putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", 1024).put("soft", 1024);
            linux(c).put("rootfsPropagation", "shared");
        });
        oci.check("create", "--bundle", bundle.toString(), "u1");
        Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\": \"1.0.0\"}");
        oci.check("start", "u1");
        awaitStatus("u1", "stopped");
        assertThat(state("u1").path("status").asText()).isEqualTo("stopped");
        oci.check("delete", "u1");
        assertThat(Files.readString(out.resolve("result"))).isEqualTo("1\n100\n1024\n1024\n1\nro\n1\n");
    }

    /** misc_props: unknown annotations and properties are accepted; an invalid ociVersion is an error. */
    @Test
    void unknownPropertiesAreIgnoredAndAnInvalidVersionIsAnError() throws Exception {
        String out = inside("echo ran", c -> {
            c.with("annotations").put("org.validation-unknown", "");
            c.put("unknown", "unknown");
            process(c).put("unknownProcessProperty", 7);
        });
        assertThat(out).isEqualTo("ran\nrc=0\n");
        refused(c -> c.put("ociVersion", "invalid"), "ociVersion: \"invalid\"");
    }

    // ---- the harness: bundles, running a script to its end, waiting for a status

    /** A copy of the umoci bundle with {@code change} applied to its config.json. */
    Path bundle(Consumer<ObjectNode> change) throws IOException {
        Path bundle = dir.resolve("bundle" + (++bundles));
        Tools.check(List.of("cp", "-a", template.toString(), bundle.toString()), 120);
        ObjectNode config = (ObjectNode) OciBundles.json().readTree(bundle.resolve("config.json").toFile());
        change.accept(config);
        OciBundles.json().writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("config.json").toFile(), config);
        return bundle;
    }

    /** A host directory the container can write, whatever its user. */
    Path outDir() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out" + (bundles + 1)));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        return out;
    }

    /**
     * Runs {@code script} in a container made from {@code change}, create → start → stopped →
     * delete, and returns what the script wrote (stdout and stderr) and its exit code on the last line.
     */
    String inside(String script, Consumer<ObjectNode> change) throws Exception {
        Path out = outDir();
        Path bundle = bundle(c -> {
            args(c, "/bin/sh", "-c", "(" + script + ") > /out/result 2>&1; echo \"rc=$?\" >> /out/result");
            bind(c, out, "/out");
            change.accept(c);
        });
        String id = "v" + bundles;
        oci.check("create", "--bundle", bundle.toString(), id);
        oci.check("start", id);
        awaitStatus(id, "stopped");
        oci.check("delete", id);
        return Files.readString(out.resolve("result"));
    }

    JsonNode state(String id) throws Exception {
        return OciBundles.json().readTree(oci.check("state", id));
    }

    /** Waits for the status; the bound is for a hung test, not a timing assertion. */
    void awaitStatus(String id, String status) throws Exception {
        for (int i = 0; i < 1200 && !state(id).path("status").asText().equals(status); i++) {
            Thread.sleep(50);
        }
        assertThat(state(id).path("status").asText()).as("status of " + id).isEqualTo(status);
    }

    static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 1200 && !Files.exists(file); i++) {
            Thread.sleep(50);
        }
        assertThat(file).as("written by the container").exists();
    }

    static ObjectNode process(ObjectNode c) {
        return (ObjectNode) c.get("process");
    }

    static ObjectNode linux(ObjectNode c) {
        return (ObjectNode) c.get("linux");
    }

    static ArrayNode strings(ArrayNode array, String... values) {
        for (String v : values) {
            array.add(v);
        }
        return array;
    }

    /** A container create must refuse: exit 125, one line naming {@code what}, nothing left. */
    void refused(Consumer<ObjectNode> change, String what) throws Exception {
        Path bundle = bundle(c -> {
            args(c, "/bin/true");
            change.accept(c);
        });
        String id = "r" + bundles;
        OciCli.Result r = oci.run("create", "--bundle", bundle.toString(), id);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        assertThat(r.stderr()).contains(what).hasLineCount(1);
        assertThat(oci.run("state", id).stderr()).contains("does not exist");
    }

    /** A process in new namespaces of the given unshare options, sleeping; ended after the test. */
    long unshared(String... options) throws Exception {
        // setsid: in a session of its own, so that the subreaper reaps unshare's child once it is orphaned
        List<String> cmd = new ArrayList<>(List.of("setsid", "unshare"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("--fork", "sleep", "1000"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        helpers.add(p);
        // unshare --fork: the namespaces are its child's; pid_for_children is the parent's view of the new pid ns
        for (int i = 0; i < 1200 && p.children().findAny().isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertThat(p.children().findAny()).as("unshare's child").isPresent();
        return p.pid();
    }

    static String ns(long pid, String name) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + name)).toString();
    }
}
