package io.jrun.cli;

import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code jrun stop POD…}: the image's StopSignal, then SIGKILL after the timeout. */
@Command(name = "stop", description = {"Stop running pods: the image's StopSignal (default SIGTERM),",
        "then SIGKILL after --timeout. Prints each pod's UUID once it has exited."}, mixinStandardHelpOptions = true)
final class StopCommand implements Callable<Integer> {
    @ParentCommand
    JrunCommand root;

    @Parameters(paramLabel = "POD", arity = "1..*", description = "Pods by name, UUID or unique UUID prefix.")
    List<String> pods;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", defaultValue = "10s",
            description = "How long to wait before SIGKILL (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = {"-f", "--force"}, description = "Send SIGKILL at once.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        var wait = Times.parseDuration(timeout);
        Pods engine = Pods.open(root.dir);
        List<PodStatus> found = new java.util.ArrayList<>();
        for (String pod : pods) {
            found.add(engine.find(pod)); // every name is checked before anything is stopped
        }
        for (PodStatus pod : found) {
            engine.stop(pod, wait, force);
            System.out.println(pod.uuid());
        }
        return 0;
    }
}
