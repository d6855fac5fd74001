package io.jrun.cli;

import io.jrun.runtime.Pods;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/**
 * {@code jrun cleanup UUID} (hidden): conmon's exit command for a detached pod. conmon runs it
 * once the app has ended and conmon has written its exit file; it records exit.json, deletes the
 * container from jrun-oci's state, removes the cgroup and honours --rm. Not for users: a pod
 * whose app still runs is left alone.
 */
final class CleanupCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private String uuid;

    CleanupCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "cleanup", "Record a detached pod's exit (conmon's exit command; internal).");
        spec.usageMessage().hidden(true);
        spec.addPositional(Specs.positional("0", "UUID", v -> uuid = v, () -> uuid).description("The pod's UUID.").build());
    }

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.isDirectory(root.dir.resolve("pods"))) {
            return 0; // the state directory was removed meanwhile: nothing to record, and nothing to make again
        }
        Pods.open(root.dir).conmonExited(uuid);
        return 0;
    }
}
