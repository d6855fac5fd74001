package io.jrun.nativetests.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrun.nativetests.harness.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A unit with {@code Delegate=yes} may build its own cgroup tree and set limits in it: what jrun
 * does under {@code ExecStart=jrun run …}. Here a shell stands in for jrun, in a transient service
 * started with {@code systemd-run -p Delegate=yes --wait}. Runs only inside the guest.
 */
@Tag("vm")
class DelegationTest {

    // Prints key=value lines. The unit's processes first leave its root cgroup for a leaf: cgroup
    // v2's no-internal-process rule forbids enabling controllers for children of a cgroup that
    // holds processes (EBUSY).
    private static final String IN_THE_UNIT = """
            set -eu
            unit=$(sed -n 's/^0:://p' /proc/self/cgroup)
            base=/sys/fs/cgroup$unit
            echo "unit=$unit"
            mkdir "$base/supervisor"
            echo $$ > "$base/supervisor/cgroup.procs"
            echo "+memory +pids" > "$base/cgroup.subtree_control"
            mkdir "$base/payload"
            echo 64M > "$base/payload/memory.max"
            echo 1 > "$base/payload/pids.max"
            echo "controllers=$(cat "$base/payload/cgroup.controllers")"
            echo "memory.max=$(cat "$base/payload/memory.max")"
            echo "pids.max=$(cat "$base/payload/pids.max")"
            # pids.max=1 holds: a shell moved into payload cannot fork /bin/true (dash then exits 2)
            set +e
            sh -c 'echo $$ > "$1/cgroup.procs" || exit 9; /bin/true' sh "$base/payload" 2>/dev/null
            echo "fork-exit=$?"
            set -e
            echo "pids.events=$(cat "$base/payload/pids.events")"
            """;

    @Test
    void aDelegatedUnitCreatesAChildCgroupAndSetsItsLimits(@TempDir Path dir) throws IOException {
        // A file, not `sh -c SCRIPT`: systemd expands $$ and ${…} in the command line it is given
        Path script = Files.writeString(dir.resolve("in-the-unit.sh"), IN_THE_UNIT);
        String output = Tools.check(List.of("systemd-run", "--unit=jrun-vm-delegation-test", "--quiet", "--wait",
                "--pipe", "--collect", "-p", "Delegate=yes", "--", "/bin/sh", script.toString()), 120);
        Map<String, String> seen = keyValues(output);

        assertThat(seen.get("unit")).isEqualTo("/system.slice/jrun-vm-delegation-test.service");
        assertThat(seen.get("controllers")).contains("memory").contains("pids");
        assertThat(seen.get("memory.max")).isEqualTo(String.valueOf(64L << 20));
        assertThat(seen.get("pids.max")).isEqualTo("1");
        assertThat(seen.get("fork-exit")).as("exit code of the shell that forks in payload").isEqualTo("2");
        assertThat(seen.get("pids.events")).matches("max [1-9][0-9]*");
    }

    private static Map<String, String> keyValues(String output) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return values;
    }
}
