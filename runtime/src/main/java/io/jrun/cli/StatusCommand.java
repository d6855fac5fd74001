package io.jrun.cli;

import io.jrun.linux.Signals;
import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodStatus;
import io.jrun.runtime.pod.PodStore;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code jrun status POD}: one pod, as key=value lines (rkt's format) or JSON. */
final class StatusCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private String pod;
    private boolean waitForExit;
    private Format format = Format.text;

    enum Format { text, json }

    StatusCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "status",
                "Show a pod's state, pid, exit code and reason, its cgroup and, while it runs, its usage.");
        spec.addPositional(Specs.positional("0", "POD", v -> pod = v, () -> pod)
                .description("A pod's name, UUID or unique UUID prefix.").build());
        spec.addOption(Specs.flag(v -> waitForExit = v, () -> waitForExit, "--wait")
                .description("Wait until the pod has exited.").build());
        spec.addOption(Specs.option(Format.class, "text|json", v -> format = v, () -> format, "--format")
                .defaultValue("text").description("Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
                .build());
    }

    @Override
    public Integer call() throws Exception {
        Pods pods = Pods.open(root.dir);
        var appPods = io.jrun.runtime.AppPods.of(pods);
        var several = appPods.find(pod);
        if (several.isPresent()) {
            return showPod(pods, appPods, several.get());
        }
        PodStatus p = pods.find(pod);
        if (waitForExit) {
            p = pods.awaitExit(p);
        }
        var cgroup = pods.cgroup(p);
        var usage = pods.usage(p);
        if (format == Format.json) {
            var json = PodViews.json(p);
            PodViews.addCgroup(json, cgroup, usage);
            PodViews.print(json);
            return 0;
        }
        StringBuilder b = new StringBuilder();
        b.append("uuid=").append(p.uuid()).append('\n');
        if (p.name() != null) {
            b.append("name=").append(p.name()).append('\n');
        }
        if (p.manifest() != null) {
            b.append("image=").append(p.manifest().imageName()).append('\n');
        }
        b.append("state=").append(p.state()).append('\n');
        if (p.process() != null) {
            b.append("pid=").append(p.process().pid()).append('\n');
            b.append("started=").append(p.process().started()).append('\n');
        }
        if (p.exit() != null) {
            b.append("exited=").append(p.exit().exited()).append('\n');
            b.append("exit-code=").append(p.exit().exitCodeKnown() ? String.valueOf(p.exit().exitCode()) : "unknown").append('\n');
            b.append("reason=").append(p.exit().reason());
            if (p.exit().reason().equals("signal")) {
                b.append(" (").append(Signals.name(p.exit().exitCode() - 128)).append(')');
            }
            b.append('\n');
            if (p.exit().message() != null) {
                b.append("message=").append(p.exit().message()).append('\n');
            }
        } else if (p.abandoned()) {
            if (PodStore.appAlive(p.process())) {
                b.append("reason=abandoned (its supervisor, jrun or conmon, ended without recording an exit; the app still runs: jrun stop or jrun gc ends it)\n");
            } else {
                b.append("exit-code=unknown\n");
                b.append("reason=abandoned (its supervisor, jrun or conmon, ended without recording an exit, and the app has ended too: the exit code is unknown)\n");
            }
        }
        if (p.manifest() != null) {
            b.append("network=").append(p.manifest().network()).append('\n');
        }
        appendNetwork(b, pods.network(p));
        b.append("cgroup=").append(cgroup.map(Object::toString).orElse("none")).append('\n');
        usage.ifPresent(u -> appendUsage(b, u));
        System.out.print(b);
        return 0;
    }

    /** ip= and ports= of a pod attached to a CNI network (podman's notation for ports). */
    private static void appendNetwork(StringBuilder b, java.util.Optional<io.jrun.runtime.net.PodNetwork.Attached> network) {
        network.ifPresent(n -> {
            if (n.ip() != null) {
                b.append("ip=").append(n.ip()).append('\n');
            }
            if (!n.ports().isEmpty()) {
                b.append("ports=").append(String.join(",", n.ports().stream().map(Object::toString).toList())).append('\n');
            }
        });
    }

    /**
     * A pod of several apps: the pod's lines, then each app's as {@code app.NAME.KEY=VALUE}
     * (its state, init, restart policy and restarts, unit, pid, exit code and reason).
     */
    private int showPod(Pods pods, io.jrun.runtime.AppPods appPods, io.jrun.runtime.pod.AppPodRecord pod) throws Exception {
        if (waitForExit) {
            pod = appPods.awaitExit(pod);
        }
        String phase = appPods.phase(pod);
        var apps = appPods.apps(pod);
        if (format == Format.json) {
            var n = io.jrun.images.oci.JsonTrees.object();
            n.put("uuid", pod.uuid());
            n.put("name", pod.name());
            n.put("hostname", pod.hostname());
            n.put("network", pod.network());
            n.put("state", phase);
            n.put("created", pod.created().toString());
            PodViews.addCgroup(n, appPods.cgroup(pod), appPods.usage(pod));
            var list = n.putArray("apps");
            for (var a : apps) {
                var app = list.addObject();
                app.put("name", a.app().name());
                app.put("init", a.app().init());
                app.put("restart", a.app().restart());
                app.put("restarts", a.app().restarts());
                app.put("appState", a.state());
                if (a.unit() != null) {
                    var unit = PodViews.json(a.unit());
                    PodViews.addCgroup(unit, pods.cgroup(a.unit()), pods.usage(a.unit()));
                    app.set("unit", unit);
                } else {
                    app.putNull("unit");
                }
            }
            PodViews.print(n);
            return 0;
        }
        StringBuilder b = new StringBuilder();
        b.append("uuid=").append(pod.uuid()).append('\n');
        if (pod.name() != null) {
            b.append("name=").append(pod.name()).append('\n');
        }
        b.append("hostname=").append(pod.hostname()).append('\n');
        b.append("network=").append(pod.network()).append('\n');
        appendNetwork(b, appPods.network(pod));
        b.append("state=").append(phase).append('\n');
        b.append("apps=").append(String.join(",", apps.stream().map(a -> a.app().name()).toList())).append('\n');
        b.append("cgroup=").append(appPods.cgroup(pod).map(Object::toString).orElse("none")).append('\n');
        appPods.usage(pod).ifPresent(u -> appendUsage(b, u));
        for (var a : apps) {
            String key = "app." + a.app().name() + ".";
            b.append(key).append("state=").append(a.state()).append('\n');
            if (a.app().init()) {
                b.append(key).append("init=true\n");
            }
            b.append(key).append("restart=").append(a.app().restart()).append('\n');
            b.append(key).append("restarts=").append(a.app().restarts()).append('\n');
            PodStatus u = a.unit();
            if (u == null) {
                continue;
            }
            b.append(key).append("unit=").append(u.uuid()).append('\n');
            if (u.manifest() != null) {
                b.append(key).append("image=").append(u.manifest().imageName()).append('\n');
            }
            if (u.process() != null) {
                b.append(key).append("pid=").append(u.process().pid()).append('\n');
            }
            b.append(key).append("cgroup=").append(pods.cgroup(u).map(Object::toString).orElse("none")).append('\n');
            if (u.exit() != null) {
                b.append(key).append("exit-code=")
                        .append(u.exit().exitCodeKnown() ? String.valueOf(u.exit().exitCode()) : "unknown").append('\n');
                b.append(key).append("reason=").append(u.exit().reason()).append('\n');
            } else if (u.abandoned() && !PodStore.appAlive(u.process())) {
                b.append(key).append("exit-code=unknown\n");
            }
        }
        System.out.print(b);
        return 0;
    }

    private static void appendUsage(StringBuilder b, io.jrun.runtime.cgroup.CgroupUsage u) {
        u.memoryCurrent().ifPresent(v -> b.append("memory.current=").append(v).append('\n'));
        u.cpuUsageUsec().ifPresent(v -> b.append("cpu.usage_usec=").append(v).append('\n'));
        u.pidsCurrent().ifPresent(v -> b.append("pids.current=").append(v).append('\n'));
    }
}
