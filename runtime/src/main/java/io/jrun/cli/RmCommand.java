package io.jrun.cli;

import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jrun rm POD…}: removes exited pods. */
@Command(name = "rm", description = "Remove exited pods and their writable layers.", mixinStandardHelpOptions = true)
final class RmCommand implements Callable<Integer> {
    @ParentCommand
    JrunCommand root;

    @Parameters(paramLabel = "POD", arity = "1..*", description = "Pods by name, UUID or unique UUID prefix.")
    List<String> pods;

    @Option(names = {"-f", "--force"}, description = "Kill and remove running pods too.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Pods engine = Pods.open(root.dir);
        List<PodStatus> found = new ArrayList<>();
        for (String pod : pods) {
            PodStatus p = engine.find(pod);
            if (!force && (p.state() == io.jrun.runtime.pod.PodState.RUNNING || p.state() == io.jrun.runtime.pod.PodState.PREPARING)) {
                throw new IllegalStateException("pod " + p.uuid() + " is " + p.state() + ": stop it first (jrun stop), or pass --force");
            }
            found.add(p); // every pod is checked before anything is removed
        }
        for (PodStatus p : found) {
            engine.remove(p, force);
            System.out.println(p.uuid());
        }
        return 0;
    }
}
