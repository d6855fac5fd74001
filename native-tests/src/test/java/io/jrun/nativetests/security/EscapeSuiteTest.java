package io.jrun.nativetests.security;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** The escape suite ({@link EscapeSuite}) on this machine, through the real CLI. */
@ExtendWith(HostLeftAsItWas.class)
class EscapeSuiteTest extends EscapeSuite {
    @TempDir
    static Path state;
    private static Containers containers;

    @Override
    protected void fetchBusybox() throws Exception {
        containers = Containers.open(state);
    }

    @Override
    protected JrunCli.Result runShell(List<String> options, String script) throws Exception {
        return containers.sh(options, script);
    }

    @AfterEach
    void noPodHalfMade() throws Exception {
        containers.assertNoPodHalfMade();
    }
}
