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
    private String format = "table";
    private boolean full;
    private boolean apps;
    private boolean all;
    private boolean quiet;
    private List<String> filters = new java.util.ArrayList<>();

    ListCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "list", "List pods: preparing, running, exited and garbage.");
        spec.addOption(Specs.option(String.class, "table|json|TEMPLATE", v -> format = v, () -> format, "--format")
                .defaultValue("table").description("Output format: table, json, or a template of the JSON's fields such as"
                        + " '{{.Name}} {{.State}}' (default: ${DEFAULT-VALUE}).")
                .build());
        spec.addOption(Specs.flag(v -> full = v, () -> full, "--full")
                .description("Show whole UUIDs and image names.").build());
        spec.addOption(Specs.flag(v -> apps = v, () -> apps, "--apps")
                .description("List the pods of several apps and their apps instead.").build());
        spec.addOption(Specs.flag(v -> all = v, () -> all, "-a", "--all")
                .description("Every pod, whatever its state (jrun lists them all anyway; podman's ps needs -a).").build());
        spec.addOption(Specs.flag(v -> quiet = v, () -> quiet, "-q", "--quiet")
                .description("Print only the pods' UUIDs.").build());
        spec.addOption(Specs.repeatable("KEY=VALUE", v -> filters = v, () -> filters, "-f", "--filter")
                .description("Only pods that match (repeatable; a key given twice matches either):"
                        + " " + String.join(", ", PodFilter.KEYS) + ".").build());
    }

    @Override
    public Integer call() throws Exception {
        Formats output = Formats.parse(format); // bad input is refused before the store is read
        if (apps) {
            if (output.kind() == Formats.Kind.template || quiet || !filters.isEmpty()) {
                throw new IllegalArgumentException("--apps takes --format table or json, without -q or --filter:"
                        + " drop those, or --apps");
            }
            return listApps(io.jrun.runtime.AppPods.of(Pods.open(root.dir)), output.kind() == Formats.Kind.json);
        }
        PodFilter filter = PodFilter.parse(filters);
        Pods podsEngine = Pods.open(root.dir);
        List<PodStatus> pods = podsEngine.list().stream().filter(filter::matches).toList();
        if (quiet) {
            pods.forEach(p -> System.out.println(p.uuid()));
            return 0;
        }
        if (output.kind() == Formats.Kind.json) {
            ArrayNode array = PodViews.array();
            pods.forEach(p -> array.add(PodViews.json(p)));
            PodViews.print(array);
            return 0;
        }
        if (output.kind() == Formats.Kind.template) {
            StringBuilder lines = new StringBuilder();
            for (PodStatus p : pods) {
                lines.append(output.render(PodViews.json(p))).append('\n');
            }
            System.out.print(lines);
            return 0;
        }
        Table table = new Table("UUID", "NAME", "IMAGE", "STATE", "STARTED", "EXITED", "EXIT CODE", "PID", "NETWORK");
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
                    p.process() == null || p.state() != PodState.RUNNING ? "" : String.valueOf(p.process().pid()),
                    networkColumn(p, podsEngine.network(p)));
        }
        table.print(System.out);
        return 0;
    }

    /** The pod's network, with its address and published ports while it is attached to a CNI network. */
    static String networkColumn(PodStatus p, java.util.Optional<io.jrun.runtime.net.PodNetwork.Attached> attached) {
        String name = p.manifest() == null ? "" : p.manifest().network();
        if (attached.isEmpty()) {
            return name;
        }
        var n = attached.get();
        return name + (n.ip() == null ? "" : " " + n.ip())
                + (n.ports().isEmpty() ? "" : " " + String.join(",", n.ports().stream().map(Object::toString).toList()));
    }

    /** {@code --apps}: each pod of several apps, one row per app, in the pod's order. */
    private int listApps(io.jrun.runtime.AppPods appPods, boolean json) throws Exception {
        if (json) {
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
