package io.jrun.cli;

import io.jrun.runtime.Pods;
import io.jrun.runtime.cgroup.CgroupUsage;
import io.jrun.runtime.pod.PodState;
import io.jrun.runtime.pod.PodStatus;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code jrun stats [--no-stream] [POD…]}: running pods' use of their cgroups, as podman stats shows it. */
final class StatsCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private List<String> pods = new ArrayList<>();
    private boolean noStream;
    private String interval = "2s";

    StatsCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "stats", "Show running pods' resource use from their cgroups: CPU time, memory and"
                + " processes (-- where the host's cgroup v2 lacks the controller).");
        spec.addPositional(Specs.positionals("0..*", false, "POD", v -> pods = v, () -> pods)
                .description("Pods by name, UUID or unique UUID prefix (default: every running pod).").build());
        spec.addOption(Specs.flag(v -> noStream = v, () -> noStream, "--no-stream")
                .description("Print once and exit (default: print again every --interval until no pod runs).").build());
        spec.addOption(Specs.option(String.class, "DURATION", v -> interval = v, () -> interval, "-i", "--interval")
                .defaultValue("2s").description("Time between two prints when streaming (default: ${DEFAULT-VALUE}).").build());
    }

    @Override
    public Integer call() throws Exception {
        long pause = Times.parseDuration(interval).toMillis();
        Pods engine = Pods.open(root.dir);
        io.jrun.runtime.AppPods appPods = io.jrun.runtime.AppPods.of(engine);
        List<String> named = new ArrayList<>();
        for (String name : pods) { // a pod of several apps, or a one-app pod (or one app's unit)
            var several = appPods.find(name);
            named.add(several.isPresent() ? several.get().uuid() : engine.find(name).uuid());
        }
        while (true) {
            List<PodStatus> running = new ArrayList<>();
            for (PodStatus p : engine.list()) {
                if (p.state() == PodState.RUNNING && (named.isEmpty() || named.contains(p.uuid()))) {
                    running.add(p);
                }
            }
            Table table = new Table("UUID", "NAME", "CPU TIME", "MEM USAGE", "PIDS");
            boolean any = !running.isEmpty();
            // a pod of several apps: one line from its cgroup (every app together); its apps' units have their own
            for (var pod : appPods.list()) {
                if ((named.isEmpty() || named.contains(pod.uuid())) && appPods.phase(pod).equals("running")) {
                    row(table, pod.uuid(), pod.name(), appPods.usage(pod));
                    any = true;
                }
            }
            for (PodStatus p : running) {
                row(table, p.uuid(), p.name(), engine.usage(p));
            }
            table.print(System.out);
            System.out.flush();
            if (noStream || !any) {
                return 0;
            }
            Thread.sleep(pause);
            System.out.println();
        }
    }

    private static void row(Table table, String uuid, String name, java.util.Optional<CgroupUsage> usage) {
        CgroupUsage u = usage.orElse(new CgroupUsage(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty()));
        table.row(uuid.substring(0, 8), name == null ? "" : name,
                u.cpuUsageUsec().isPresent() ? String.format("%.2fs", u.cpuUsageUsec().getAsLong() / 1e6) : "--",
                u.memoryCurrent().isPresent() ? Sizes.human(u.memoryCurrent().getAsLong()) : "--",
                u.pidsCurrent().isPresent() ? String.valueOf(u.pidsCurrent().getAsLong()) : "--");
    }
}
