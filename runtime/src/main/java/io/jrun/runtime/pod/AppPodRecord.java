package io.jrun.runtime.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.JsonTrees;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A pod of several apps as its pod.json records it (STATE/pods/apps/UUID/pod.json): what the
 * pod owns, and which unit of the pod store each app runs as.
 *
 * @param uuid     the pod's UUID
 * @param name     its name, or null
 * @param hostname the host name of its UTS namespace
 * @param network  none or host
 * @param created  when it was made
 * @param apps     its apps, init apps first, in start order
 * @param dir      its directory (not recorded)
 */
public record AppPodRecord(String uuid, String name, String hostname, String network, Instant created,
                           List<App> apps, Path dir) {
    public AppPodRecord {
        apps = List.copyOf(apps);
    }

    /**
     * One app of the pod.
     *
     * @param name     the app's name in the pod
     * @param init     an init app
     * @param restart  its restart policy, as typed (no, on-failure[:N], always)
     * @param unit     the UUID of the pod-store unit it runs as now, or null before it is made
     * @param restarts how often it was started again
     */
    public record App(String name, boolean init, String restart, String unit, int restarts) {
        public App withUnit(String newUnit, int newRestarts) {
            return new App(name, init, restart, newUnit, newRestarts);
        }
    }

    /** The same pod with {@code app} (matched by name) replaced. */
    public AppPodRecord with(App app) {
        List<App> next = new ArrayList<>();
        for (App a : apps) {
            next.add(a.name().equals(app.name()) ? app : a);
        }
        return new AppPodRecord(uuid, name, hostname, network, created, next, dir);
    }

    /** The app named {@code appName}; IllegalArgumentException naming the pod's apps if none. */
    public App app(String appName) {
        for (App a : apps) {
            if (a.name().equals(appName)) {
                return a;
            }
        }
        throw new IllegalArgumentException("pod " + label() + " has no app '" + appName + "': its apps are "
                + String.join(", ", apps.stream().map(App::name).toList()));
    }

    /** The name, else the UUID. */
    public String label() {
        return name != null ? name : uuid;
    }

    byte[] toJson() throws IOException {
        ObjectNode n = JsonTrees.object();
        n.put("uuid", uuid);
        n.put("name", name);
        n.put("hostname", hostname);
        n.put("network", network);
        n.put("created", created.toString());
        ArrayNode list = n.putArray("apps");
        for (App a : apps) {
            list.addObject().put("name", a.name()).put("init", a.init()).put("restart", a.restart())
                    .put("unit", a.unit()).put("restarts", a.restarts());
        }
        return JsonTrees.write(n, true);
    }

    static AppPodRecord fromJson(byte[] json, Path dir) throws IOException {
        JsonNode n = JsonTrees.read(json);
        List<App> apps = new ArrayList<>();
        for (JsonNode a : n.path("apps")) {
            apps.add(new App(a.path("name").asText(), a.path("init").asBoolean(), a.path("restart").asText("no"),
                    a.path("unit").asText(null), a.path("restarts").asInt()));
        }
        return new AppPodRecord(n.path("uuid").asText(), n.path("name").asText(null), n.path("hostname").asText(),
                n.path("network").asText("none"), UtcInstants.parse(n.path("created").asText()), apps, dir);
    }
}
