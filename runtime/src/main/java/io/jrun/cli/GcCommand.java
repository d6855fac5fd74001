package io.jrun.cli;

import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodCollector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code jrun gc}: rkt's mark-and-sweep of exited pods. */
@Command(name = "gc", description = {"Collect exited pods in two passes, as rkt does: mark exited and abandoned pods",
        "as garbage, then remove those marked longer ago than the grace period. Running pods are never touched."},
        mixinStandardHelpOptions = true)
final class GcCommand implements Callable<Integer> {
    @ParentCommand
    JrunCommand root;

    @Option(names = "--grace-period", paramLabel = "DURATION", defaultValue = "30m",
            description = "How long a pod stays marked before it is removed (default: ${DEFAULT-VALUE}; 0 removes at once).")
    String gracePeriod;

    @Option(names = "--mark-only", description = "Only mark exited pods; remove nothing.")
    boolean markOnly;

    @Override
    public Integer call() throws Exception {
        PodCollector.Result result = Pods.open(root.dir).gc(Times.parseDuration(gracePeriod), markOnly);
        result.marked().forEach(uuid -> System.out.println("marked " + uuid));
        result.removed().forEach(uuid -> System.out.println("removed " + uuid));
        return 0;
    }
}
