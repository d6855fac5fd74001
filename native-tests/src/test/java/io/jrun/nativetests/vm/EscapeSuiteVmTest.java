package io.jrun.nativetests.vm;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import io.jrun.nativetests.security.EscapeSuite;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The escape suite ({@link EscapeSuite}) in the guest: a real host with systemd as PID 1, a full
 * cgroup v2 (the pods' cgroups in this job's delegated unit) and a real disk, Debian's 6.1
 * kernel with its own configuration (Yama among it). The same probes and expectations as on the
 * project's machine.
 */
@Tag("vm")
@ExtendWith(HostLeftAsItWas.class)
class EscapeSuiteVmTest extends EscapeSuite {
    @TempDir
    static Path state;
    private static VmJrun jrun;
    private static String busybox;

    @Override
    protected void fetchBusybox() throws Exception {
        jrun = VmJrun.in(state);
        busybox = jrun.fetchBusybox();
    }

    @Override
    protected JrunCli.Result runShell(List<String> options, String script) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--rm"));
        args.addAll(options);
        args.addAll(List.of(busybox, "sh", "-c", script));
        return jrun.run(args.toArray(String[]::new));
    }
}
