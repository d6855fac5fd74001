package io.jrun.nativetests.harness;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After each test: the host's mount table is what it was before it, and no process the test
 * started is left, however far down: the test JVM is a child subreaper ({@link Subreaper}), so
 * an orphan (a detached pod's supervisor, the app of a killed jrun, a leaked grandchild) is
 * re-parented to it rather than to init, and is among its descendants (from before the class's
 * first test to after its last). For tests of whole jrun commands (run, enter, the pod commands),
 * not of the launch engine in this JVM.
 */
public final class HostLeftAsItWas implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(HostLeftAsItWas.class);
    /** How many times to look, 100 ms apart, for processes still ending (a supervisor that has just stopped its pod). */
    private static final int LOOKS = 600;

    @Override
    public void beforeAll(ExtensionContext context) {
        Subreaper.begin(); // before the class starts any process
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Subreaper.end();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        context.getStore(NS).put("mounts", Files.readString(Path.of("/proc/self/mountinfo")));
        context.getStore(NS).put("links", links());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        String before = context.getStore(NS).get("mounts", String.class);
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).as("the host's mount table").isEqualTo(before);
        // Network tests work in namespaces they made: a link here (a CNI bridge or veth) means a
        // test reached the machine's own network namespace, which the brief forbids.
        assertThat(links()).as("the network interfaces of the machine's own network namespace")
                .isEqualTo(context.getStore(NS).get("links", List.class));
        assertNoProcessLeft(LOOKS);
    }

    private static List<String> links() throws IOException {
        try (var s = Files.list(Path.of("/sys/class/net"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Asserts that this JVM has no descendant, looking up to {@code looks} times 100 ms apart
     * for those that are still ending; the failure lists each process left with its command line.
     */
    public static void assertNoProcessLeft(int looks) throws InterruptedException {
        List<String> left = processesLeft();
        for (int i = 1; i < looks && !left.isEmpty(); i++) {
            Thread.sleep(100);
            left = processesLeft();
        }
        assertThat(left).as("processes left behind (this JVM's descendants)").isEmpty();
    }

    /** This JVM's descendants, as "PID STATE COMMAND LINE", once the exited ones it adopted are reaped. */
    private static List<String> processesLeft() {
        Subreaper.reapAdopted();
        return ProcessHandle.current().descendants().map(HostLeftAsItWas::describe).toList();
    }

    private static String describe(ProcessHandle p) {
        String stat;
        String cmdline;
        try {
            stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            cmdline = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ').strip();
        } catch (IOException e) {
            return p.pid() + " (gone meanwhile)";
        }
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        return p.pid() + " " + state + " " + (cmdline.isEmpty() ? "[" + comm + "]" : cmdline);
    }
}
