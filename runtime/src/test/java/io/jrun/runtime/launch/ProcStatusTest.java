package io.jrun.runtime.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class ProcStatusTest {
    /** An excerpt of a real /proc/PID/status (kernel 6.18), of a process run with -u app. */
    private static final String APP = """
            Name:\tsh
            Umask:\t0022
            State:\tS (sleeping)
            Uid:\t1000\t1001\t1002\t1003
            Gid:\t50\t1000\t1000\t1000
            NgroupsMax:\t65536
            Groups:\t50 1000\s
            CapInh:\t0000000000000000
            CapPrm:\t0000000000000000
            CapEff:\t0000000000000000
            CapBnd:\t00000000800405fb
            CapAmb:\t0000000000000000
            NoNewPrivs:\t1
            Seccomp:\t2
            Seccomp_filters:\t1
            """;

    @Test
    void takesTheEffectiveIdsTheGroupsTheBoundingSetNoNewPrivsAndTheSeccompMode() {
        ProcStatus s = ProcStatus.parse(APP);
        assertThat(s).isEqualTo(new ProcStatus(1001, 1000, List.of(50L, 1000L), 0x800405fbL, true, 2));
    }

    @Test
    void readsThisProcesssOwnStatus() throws Exception {
        ProcStatus s = ProcStatus.parse(Files.readString(Path.of("/proc/self/status")));
        assertThat(s.capBounding()).as("a bounding set has bits").isNotZero();
        assertThat(s.seccompMode()).isBetween(0, 2);
        ProcStatus noGroups = ProcStatus.parse(APP.replace("Groups:\t50 1000 \n", "Groups:\t\n")
                .replace("CapBnd:\t00000000800405fb", "CapBnd:\t000001ffffffffff").replace("NoNewPrivs:\t1", "NoNewPrivs:\t0"));
        assertThat(noGroups.groups()).isEmpty();
        assertThat(noGroups.capBounding()).isEqualTo(0x1ffffffffffL);
        assertThat(noGroups.noNewPrivs()).isFalse();
    }

    @Test
    void aMissingLineIsNamed() {
        assertThatThrownBy(() -> ProcStatus.parse(APP.replaceAll("CapBnd:.*\n", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the process status has no CapBnd line");
    }
}
