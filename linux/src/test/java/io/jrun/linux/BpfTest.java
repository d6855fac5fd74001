package io.jrun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bpf(2) device programs against the real kernel (root): loaded, attached to a fresh cgroup under
 * the cgroup2 mount (found in /proc/self/mountinfo, as the runtime finds it), and obeyed by a
 * process that moves itself into that cgroup. The programs are written here instruction by
 * instruction; the runtime's generator has tests of its own.
 */
class BpfTest {
    // eBPF opcodes (linux/bpf_common.h, linux/bpf.h)
    private static final int LDX_MEM_W = 0x61, MOV64_K = 0xb7, JNE32_K = 0x56, EXIT = 0x95;

    private final List<Path> cgroups = new ArrayList<>();
    private Path hierarchy;

    @BeforeEach
    void findCgroup2() throws IOException {
        hierarchy = cgroup2Mount();
    }

    @AfterEach
    void removeCgroups() throws IOException {
        for (Path cgroup : cgroups.reversed()) {
            Files.deleteIfExists(cgroup); // empty by now: the programs go with the cgroup
        }
    }

    static long insn(int code, int dst, int src, int off, int imm) {
        return code | (long) (dst | src << 4) << 8 | (off & 0xffffL) << 16 | (imm & 0xffffffffL) << 32;
    }

    /** Allows the character device 1:3 (/dev/null) and nothing else. */
    static long[] onlyDevNull() {
        return new long[] {
                insn(LDX_MEM_W, 2, 1, Bpf.CTX_MAJOR, 0),   // w2 = ctx->major
                insn(LDX_MEM_W, 3, 1, Bpf.CTX_MINOR, 0),   // w3 = ctx->minor
                insn(MOV64_K, 0, 0, 0, 0),                 // r0 = 0
                insn(JNE32_K, 2, 0, 2, 1),                 // if w2 != 1 goto exit
                insn(JNE32_K, 3, 0, 1, 3),                 // if w3 != 3 goto exit
                insn(MOV64_K, 0, 0, 0, 1),                 // r0 = 1
                insn(EXIT, 0, 0, 0, 0)};
    }

    static long[] allowAll() {
        return new long[] {insn(MOV64_K, 0, 0, 0, 1), insn(EXIT, 0, 0, 0, 0)};
    }

    @Test
    void aProcessInTheCgroupOpensOnlyWhatTheProgramAllows() throws Exception {
        Path cgroup = cgroup(hierarchy);
        assertThat(opens(cgroup)).as("before the program").containsExactly("/dev/null opened", "/dev/zero opened");
        try (Fd program = Bpf.loadCgroupDeviceProgram(onlyDevNull(), "Apache-2.0", "jrun_test");
             Fd dir = directory(cgroup)) {
            Bpf.attachCgroupDevice(dir.value(), program.value(), Bpf.BPF_F_ALLOW_MULTI);
            Bpf.Attached attached = Bpf.queryCgroupDevice(dir.value());
            assertThat(attached.flags()).isEqualTo(Bpf.BPF_F_ALLOW_MULTI);
            assertThat(attached.programIds()).containsExactly(Bpf.programId(program.value()));

            List<String> seen = opens(cgroup);
            assertThat(seen.getFirst()).isEqualTo("/dev/null opened");
            assertThat(seen.get(1)).as("a device the program denies").endsWith("Operation not permitted");
            assertThat(opens(hierarchy)).as("outside the cgroup").containsExactly("/dev/null opened", "/dev/zero opened");

            Bpf.detachCgroupDevice(dir.value(), program.value());
            assertThat(Bpf.queryCgroupDevice(dir.value()).programIds()).isEmpty();
            assertThat(opens(cgroup)).as("detached").containsExactly("/dev/null opened", "/dev/zero opened");
        }
    }

    @Test
    void theAttachmentOutlivesTheProgramsDescriptor() throws Exception {
        Path cgroup = cgroup(hierarchy);
        try (Fd dir = directory(cgroup)) {
            try (Fd program = Bpf.loadCgroupDeviceProgram(onlyDevNull(), "Apache-2.0", "")) {
                Bpf.attachCgroupDevice(dir.value(), program.value(), Bpf.BPF_F_ALLOW_MULTI);
            }
            assertThat(Bpf.queryCgroupDevice(dir.value()).programIds()).hasSize(1);
            assertThat(opens(cgroup).get(1)).endsWith("Operation not permitted");
        }
    }

    @Test
    void aProgramAttachedWithoutFlagsForbidsProgramsBelowItAndAMultiOneAllowsThem() throws Exception {
        Path exclusive = cgroup(hierarchy);
        Path multi = cgroup(hierarchy);
        try (Fd program = Bpf.loadCgroupDeviceProgram(allowAll(), "Apache-2.0", "jrun_test");
             Fd exclusiveDir = directory(exclusive); Fd multiDir = directory(multi);
             Fd belowExclusive = directory(cgroup(exclusive)); Fd belowMulti = directory(cgroup(multi))) {
            Bpf.attachCgroupDevice(exclusiveDir.value(), program.value(), 0);
            Bpf.attachCgroupDevice(multiDir.value(), program.value(), Bpf.BPF_F_ALLOW_MULTI);
            assertThatThrownBy(() -> Bpf.attachCgroupDevice(belowExclusive.value(), program.value(), Bpf.BPF_F_ALLOW_MULTI))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM));
            Bpf.attachCgroupDevice(belowMulti.value(), program.value(), Bpf.BPF_F_ALLOW_MULTI);
            assertThat(Bpf.queryCgroupDevice(belowExclusive.value()).programIds()).isEmpty();
            assertThat(Bpf.queryCgroupDevice(belowMulti.value()).programIds()).hasSize(1);
            assertThat(Bpf.queryCgroupDevice(exclusiveDir.value()).flags()).isZero();
        }
    }

    @Test
    void theVerifierExplainsAProgramItRefuses() {
        // exit without setting r0: the verifier will not let a program return garbage
        assertThatThrownBy(() -> Bpf.loadCgroupDeviceProgram(new long[] {insn(EXIT, 0, 0, 0, 0)}, "Apache-2.0", "bad"))
                .isInstanceOfSatisfying(Bpf.LoadException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EACCES);
                    assertThat(e.verifierLog()).contains("R0 !read_ok");
                    assertThat(e.getMessage()).startsWith("bpf(BPF_PROG_LOAD): Permission denied (EACCES): ")
                            .doesNotContain("\n");
                });
        assertThatThrownBy(() -> Bpf.loadCgroupDeviceProgram(allowAll(), "Apache-2.0", "no spaces"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Runs a shell that moves itself into {@code cgroup} and opens /dev/null and /dev/zero for
     * reading; one line for each: "opened", or the shell's error.
     */
    private static List<String> opens(Path cgroup) throws Exception {
        String script = "echo $$ > " + cgroup.resolve("cgroup.procs") + " || exit 9\n"
                + "for d in /dev/null /dev/zero; do (: < $d) 2>&1 && echo $d opened; done\nexit 0\n";
        Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the shell did not finish");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        return output.lines().toList();
    }

    private Path cgroup(Path parent) throws IOException {
        Path cgroup = Files.createDirectory(parent.resolve("jrun-bpf-test-" + UUID.randomUUID().toString().substring(0, 8)));
        cgroups.add(cgroup);
        return cgroup;
    }

    private static Fd directory(Path cgroup) throws ErrnoException {
        return FileSyscalls.openat(AtFlags.AT_FDCWD, cgroup.toString(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY
                | OpenFlags.O_CLOEXEC, 0);
    }

    /** The root of the cgroup2 hierarchy (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host). */
    static Path cgroup2Mount() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] halves = line.split(" - ", 2);
            String[] fields = halves[0].split(" ");
            if (halves.length == 2 && halves[1].startsWith("cgroup2 ") && fields[3].equals("/")) {
                return Path.of(fields[4]);
            }
        }
        throw new AssertionError("this test needs a cgroup2 mount (device programs attach to cgroup v2), and"
                + " /proc/self/mountinfo has none");
    }
}
