package io.jrun.cli;

import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodCollector;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code jrun gc}: rkt's mark-and-sweep of exited pods. */
final class GcCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private String gracePeriod = "30m";
    private String stopTimeout = "10s";
    private boolean markOnly;

    GcCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "gc",
                "Collect exited pods in two passes, as rkt does: mark exited and abandoned pods",
                "as garbage, then remove those marked longer ago than the grace period. Running pods are never touched;",
                "the app of a pod whose jrun died is stopped first (its StopSignal, SIGKILL after --stop-timeout).");
        spec.addOption(Specs.option(String.class, "DURATION", v -> gracePeriod = v, () -> gracePeriod, "--grace-period")
                .defaultValue("30m")
                .description("How long a pod stays marked before it is removed (default: ${DEFAULT-VALUE}; 0 removes at once).")
                .build());
        spec.addOption(Specs.option(String.class, "DURATION", v -> stopTimeout = v, () -> stopTimeout, "--stop-timeout")
                .defaultValue("10s")
                .description("How long the app of a pod whose jrun died gets after its StopSignal, before SIGKILL (default: ${DEFAULT-VALUE}).")
                .build());
        spec.addOption(Specs.flag(v -> markOnly = v, () -> markOnly, "--mark-only")
                .description("Only mark exited pods; remove nothing.").build());
    }

    @Override
    public Integer call() throws Exception {
        var grace = Times.parseDuration(gracePeriod);
        var stop = Times.parseDuration(stopTimeout);
        PodCollector.Result result = Pods.open(root.dir).gc(grace, stop, markOnly);
        result.marked().forEach(uuid -> System.out.println("marked " + uuid));
        result.removed().forEach(uuid -> System.out.println("removed " + uuid));
        return 0;
    }
}
