package io.jrun.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.JsonTrees;

import java.io.IOException;

/**
 * What jrun-oci keeps of a container in its directory ({@code ROOT/ID/container.json}):
 * written when the process exists (still in its gate), before create returns.
 *
 * @param id        the container's ID
 * @param bundle    the bundle's absolute path
 * @param pid       the container process's pid on the host
 * @param startTime its start time (/proc/PID/stat field 22): a pid is this container's only
 *                  while the process with it started then
 * @param created   when create ran, ISO-8601
 * @param cgroup    the container's cgroup directory, or null without one
 */
public record ContainerRecord(String id, String bundle, long pid, long startTime, String created, String cgroup) {

    byte[] toJson() {
        ObjectNode n = JsonTrees.object();
        n.put("id", id);
        n.put("bundle", bundle);
        n.put("pid", pid);
        n.put("startTime", startTime);
        n.put("created", created);
        if (cgroup != null) {
            n.put("cgroup", cgroup);
        }
        try {
            return JsonTrees.write(n, true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ContainerRecord fromJson(byte[] json) throws IOException {
        JsonNode n = JsonTrees.read(json);
        return new ContainerRecord(n.path("id").asText(), n.path("bundle").asText(), n.path("pid").asLong(),
                n.path("startTime").asLong(), n.path("created").asText(), n.path("cgroup").asText(null));
    }
}
