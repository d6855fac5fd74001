package io.jrun.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodState;
import io.jrun.runtime.pod.PodStatus;
import picocli.CommandLine.Model.CommandSpec;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jrun list}: the pods on this host, as the disk and their locks say. */
final class ListCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private Format format = Format.table;
    private boolean full;
    private boolean apps;

    enum Format { table, json }

    ListCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "list", "List pods: preparing, running, exited and garbage.");
        spec.addOption(Specs.option(Format.class, "table|json", v -> format = v, () -> format, "--format")
                .defaultValue("table").description("Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
                .build());
        spec.addOption(Specs.flag(v -> full = v, () -> full, "--full")
                .description("Show whole UUIDs and image names.").build());
        spec.addOption(Specs.flag(v -> apps = v, () -> apps, "--apps")
                .description("List the pods of several apps and their apps instead.").build());
    }

    @Override
    public Integer call() throws Exception {
        if (apps) {
            return listApps(io.jrun.runtime.AppPods.of(Pods.open(root.dir)));
        }
        List<PodStatus> pods = Pods.open(root.dir).list();
        if (format == Format.json) {
            ArrayNode array = PodViews.array();
            pods.forEach(p -> array.add(PodViews.json(p)));
            PodViews.print(array);
            return 0;
        }
        Table table = new Table("UUID", "NAME", "IMAGE", "STATE", "STARTED", "EXITED", "EXIT CODE", "PID");
        Instant now = Instant.now();
        for (PodStatus p : pods) {
            String image = p.manifest() == null ? "" : p.manifest().imageName();
            if (!full && image.length() > 40) {
                image = "…" + image.substring(image.length() - 39);
            }
            String state = p.state().toString() + ("abandoned".equals(p.reason()) ? " (abandoned)" : "");
            table.row(full ? p.uuid() : p.uuid().substring(0, 8), p.name() == null ? "" : p.name(), image, state,
                    p.process() == null ? "" : Times.ago(p.process().started(), now),
                    p.exit() == null ? "" : Times.ago(p.exit().exited(), now),
                    p.exit() == null ? "" : p.exit().exitCodeKnown() ? String.valueOf(p.exit().exitCode()) : "unknown",
                    p.process() == null || p.state() != PodState.RUNNING ? "" : String.valueOf(p.process().pid()));
        }
        table.print(System.out);
        return 0;
    }

    /** {@code --apps}: each pod of several apps, one row per app, in the pod's order. */
    private int listApps(io.jrun.runtime.AppPods appPods) throws Exception {
        if (format == Format.json) {
            ArrayNode array = PodViews.array();
            for (var pod : appPods.list()) {
                var n = array.addObject();
                n.put("uuid", pod.uuid());
                n.put("name", pod.name());
                n.put("state", appPods.phase(pod));
                var list = n.putArray("apps");
                for (var a : appPods.apps(pod)) {
                    var app = list.addObject();
                    app.put("name", a.app().name());
                    app.put("init", a.app().init());
                    app.put("restart", a.app().restart());
                    app.put("restarts", a.app().restarts());
                    app.put("state", a.state());
                    app.put("unit", a.unit() == null ? null : a.unit().uuid());
                    if (a.unit() != null && a.unit().exit() != null && a.unit().exit().exitCodeKnown()) {
                        app.put("exitCode", a.unit().exit().exitCode());
                    } else {
                        app.putNull("exitCode");
                    }
                }
            }
            PodViews.print(array);
            return 0;
        }
        Table table = new Table("UUID", "POD", "APP", "KIND", "RESTART", "RESTARTS", "STATE", "EXIT CODE");
        for (var pod : appPods.list()) {
            for (var a : appPods.apps(pod)) {
                PodStatus u = a.unit();
                table.row(full ? pod.uuid() : pod.uuid().substring(0, 8), pod.name() == null ? "" : pod.name(),
                        a.app().name(), a.app().init() ? "init" : "app", a.app().restart(),
                        String.valueOf(a.app().restarts()), a.state(),
                        u == null || u.exit() == null ? "" : u.exit().exitCodeKnown() ? String.valueOf(u.exit().exitCode()) : "unknown");
            }
        }
        table.print(System.out);
        return 0;
    }
}
