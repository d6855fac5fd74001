package io.jrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.JsonTrees;
import io.jrun.runtime.pod.PodStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * How pods are shown: JSON fields shared by list and status. Written with Jackson's streaming
 * generator (JsonTrees), not an ObjectMapper, whose set-up costs a cold JVM about 100 ms.
 */
final class PodViews {

    private PodViews() {
    }

    /** The pod's cgroup and, while it runs, its usage (memory.current, cpu.stat usage_usec, pids.current). */
    static void addCgroup(ObjectNode n, java.util.Optional<java.nio.file.Path> cgroup,
                          java.util.Optional<io.jrun.runtime.cgroup.CgroupUsage> usage) {
        n.put("cgroup", cgroup.map(Object::toString).orElse(null));
        usage.ifPresent(u -> {
            ObjectNode node = n.putObject("usage");
            u.memoryCurrent().ifPresent(v -> node.put("memoryCurrent", v));
            u.cpuUsageUsec().ifPresent(v -> node.put("cpuUsageUsec", v));
            u.pidsCurrent().ifPresent(v -> node.put("pidsCurrent", v));
        });
    }

    static ObjectNode json(PodStatus p) {
        ObjectNode n = JsonTrees.object();
        n.put("uuid", p.uuid());
        n.put("name", p.name());
        n.put("image", p.manifest() == null ? null : p.manifest().imageName());
        n.put("imageId", p.manifest() == null ? null : p.manifest().imageId());
        n.put("state", p.state().toString());
        n.put("created", p.manifest() == null ? null : p.manifest().created().toString());
        n.put("started", p.process() == null ? null : p.process().started().toString());
        n.put("exited", p.exit() == null ? null : p.exit().exited().toString());
        if (p.exit() != null && p.exit().exitCodeKnown()) {
            n.put("exitCode", p.exit().exitCode());
        } else {
            n.putNull("exitCode");
        }
        n.put("reason", p.reason());
        if (p.process() != null) {
            n.put("pid", p.process().pid());
        } else {
            n.putNull("pid");
        }
        if (p.exit() != null && p.exit().message() != null) {
            n.put("message", p.exit().message());
        }
        return n;
    }

    /** Every named pod, all found before the caller acts on any (a bad name changes nothing). */
    static java.util.List<PodStatus> findAll(io.jrun.runtime.Pods pods, java.util.List<String> names) throws IOException {
        java.util.List<PodStatus> found = new java.util.ArrayList<>();
        for (String name : names) {
            found.add(pods.find(name));
        }
        return found;
    }

    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** Prints {@code node} indented, as docker and podman print JSON. */
    static void print(JsonNode node) throws IOException {
        System.out.println(new String(JsonTrees.write(node, true), StandardCharsets.UTF_8));
    }
}
