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
        PodFilter filter = PodFilter.parse(filters);
        List<PodStatus> pods = Pods.open(root.dir).list().stream().filter(filter::matches).toList();
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
}
