package io.jrun.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.runtime.Pods;
import io.jrun.runtime.pod.PodStatus;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jrun inspect NAME…}: podman's inspect, pods or images as one JSON array. A name is
 * looked up as a pod first, then as an image, unless {@code --type} says which.
 */
final class InspectCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private List<String> names = new ArrayList<>();
    private Type type = Type.all;

    enum Type { all, pod, image }

    InspectCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "inspect", "Show pods or images as a JSON array: a pod as jrun status --format json shows it,"
                + " an image as jrun image inspect does.");
        spec.addPositional(Specs.positionals("0..*", true, "NAME", v -> names = v, () -> names)
                .description("Pods (name, UUID or unique prefix) or images (name, ID or unique prefix).").build());
        spec.addOption(Specs.option(Type.class, "all|pod|image", v -> type = v, () -> type, "-t", "--type")
                .defaultValue("all").description("Look NAME up as: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, a pod first).")
                .build());
    }

    @Override
    public Integer call() throws Exception {
        Pods pods = Pods.open(root.dir);
        ArrayNode out = PodViews.array();
        for (String name : names) { // all are found before anything is printed
            out.add(find(pods, name));
        }
        PodViews.print(out);
        return 0;
    }

    private ObjectNode find(Pods pods, String name) throws Exception {
        IllegalArgumentException noPod = null;
        if (type != Type.image) {
            try {
                PodStatus p = pods.find(name);
                ObjectNode json = PodViews.json(p);
                PodViews.addCgroup(json, pods.cgroup(p), pods.usage(p));
                json.put("type", "pod");
                return json;
            } catch (IllegalArgumentException e) {
                if (type == Type.pod || !e.getMessage().startsWith("no pod '")) {
                    throw e; // not found as asked, or ambiguous: say so
                }
                noPod = e;
            }
        }
        if (!pods.images().find(name).isPresent() && noPod != null) {
            throw new IllegalArgumentException("no pod or image '" + name + "': see jrun list and jrun image list");
        }
        ObjectNode json = ImageCommand.Inspect.json(pods.images(), name);
        json.put("type", "image");
        return json;
    }
}
