package io.jrun.nativetests.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The VM group's plumbing: the guest is the machine the cgroup and systemd tests need (Debian's
 * 6.1 kernel, systemd as PID 1, a full cgroup v2) and runs the host's JDK 25. Runs only inside
 * the guest (native-tests/vm/vm-tests.sh); surefire on the host excludes the "vm" tag.
 */
@Tag("vm")
class GuestTest {

    @Test
    void theKernelIsDebians61() throws IOException {
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        // Before 6.15: jrun mounts /proc for a pid namespace through a helper, not fsconfig(pidns)
        assertThat(release).startsWith("6.1.").endsWith("-amd64");
    }

    @Test
    void pid1IsSystemd() throws IOException {
        assertThat(Files.readString(Path.of("/proc/1/comm")).strip()).isEqualTo("systemd");
        // sd_booted(3): what systemd-aware programs, jrun among them, test for
        assertThat(Path.of("/run/systemd/system")).isDirectory();
    }

    @Test
    void cgroup2IsMountedAtSysFsCgroupWithTheMemoryPidsAndCpuControllers() throws IOException {
        Mounts.Mount cgroup = Mounts.ofSelf().at("/sys/fs/cgroup")
                .orElseThrow(() -> new AssertionError("nothing mounted at /sys/fs/cgroup"));
        assertThat(cgroup.fsType()).isEqualTo("cgroup2");
        List<String> controllers = List.of(Files.readString(Path.of("/sys/fs/cgroup/cgroup.controllers")).strip().split(" "));
        assertThat(controllers).contains("memory", "pids", "cpu");
        // no v1 hierarchy beside it: the unified layout the jrun cgroup code is written for
        assertThat(Mounts.ofSelf().all()).noneMatch(m -> m.fsType().equals("cgroup"));
    }

    @Test
    void theJdkIs25() {
        assertThat(Runtime.version().feature()).isEqualTo(25);
    }

    /** The qemu runner's plumbing; the Vagrant box (vm-tests.sh --here) has a JDK of its own. */
    @Test
    @EnabledIfEnvironmentVariable(named = "JRUN_VM_JOB", matches = ".+",
            disabledReason = "not in run-in-vm.sh's guest: the JDK is this machine's own, not the host's over 9p")
    void theHostsJdkIsSharedReadOnlyOver9p() throws IOException {
        Mounts.Mount jdk = Mounts.ofSelf().holding(Path.of(System.getProperty("java.home")).toRealPath());
        assertThat(jdk.fsType()).isEqualTo("9p");
        assertThat(jdk.readOnly()).as("the JDK share is mounted read-only").isTrue();
    }
}
