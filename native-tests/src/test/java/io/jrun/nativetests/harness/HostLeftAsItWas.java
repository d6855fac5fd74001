package io.jrun.nativetests.harness;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After each test: the host's mount table is what it was before it, and no process the test
 * started is left. For tests of whole jrun commands (run, enter, the pod commands).
 */
public final class HostLeftAsItWas implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(HostLeftAsItWas.class);

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        context.getStore(NS).put("mounts", Files.readString(Path.of("/proc/self/mountinfo")));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        String before = context.getStore(NS).get("mounts", String.class);
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).as("the host's mount table").isEqualTo(before);
        assertThat(ProcessHandle.current().children().toList()).as("processes left behind").isEmpty();
    }
}
