package io.jrun.cli;

import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodProcesses;
import io.jrun.runtime.pod.PodState;
import io.jrun.runtime.pod.PodStatus;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jrun top POD}: the processes in a running pod, from its cgroup. */
final class TopCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private String pod;

    TopCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "top", "Show the processes running in a pod, from its cgroup: their pids in the pod"
                + " and on the host, user, state, CPU time and command.");
        spec.addPositional(Specs.positional("0", "POD", v -> pod = v, () -> pod)
                .description("A running pod's name, UUID or unique UUID prefix.").build());
    }

    @Override
    public Integer call() throws Exception {
        Pods pods = Pods.open(root.dir);
        io.jrun.runtime.AppPods appPods = io.jrun.runtime.AppPods.of(pods);
        var several = appPods.find(pod);
        Path cgroup;
        if (several.isPresent()) { // every app's processes: the pod's cgroup holds the apps' cgroups
            var p = several.get();
            if (!appPods.phase(p).equals("running")) {
                throw new IllegalStateException("pod " + p.label() + " has exited: only a running pod's processes can be shown");
            }
            cgroup = appPods.cgroup(p).orElseThrow(() -> new IllegalStateException("pod " + p.label()
                    + " has no cgroup of its own (every app --privileged, without limits): its processes cannot be told from jrun's"));
        } else {
            PodStatus p = pods.find(pod);
            if (p.state() != PodState.RUNNING) {
                throw new IllegalStateException("pod " + p.uuid() + " is " + p.state() + ": only a running pod's processes can be shown");
            }
            cgroup = pods.cgroup(p).orElseThrow(() -> new IllegalStateException("pod " + p.uuid()
                    + " has no cgroup of its own (a --privileged pod without limits): its processes cannot be told from jrun's"));
        }
        Table table = new Table("PID", "HOST PID", "UID", "STATE", "TIME", "COMMAND");
        for (PodProcesses proc : PodProcesses.in(cgroup)) {
            long seconds = proc.cpu().toSeconds();
            table.row(String.valueOf(proc.pid()), String.valueOf(proc.hostPid()), String.valueOf(proc.uid()), String.valueOf(proc.state()),
                    String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60), proc.command());
        }
        table.print(System.out);
        return 0;
    }
}
