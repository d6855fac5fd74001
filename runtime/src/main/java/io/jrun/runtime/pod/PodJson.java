package io.jrun.runtime.pod;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrun.images.oci.JsonTrees;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The JSON files of a pod directory, written by hand: stable field names, no reflection, no ObjectMapper. */
final class PodJson {

    private PodJson() {
    }

    static byte[] manifest(PodManifest m) throws IOException {
        ObjectNode n = JsonTrees.object();
        n.put("uuid", m.uuid());
        n.put("name", m.name());
        n.putObject("image").put("name", m.imageName()).put("id", m.imageId());
        n.put("created", m.created().toString());
        ObjectNode app = n.putObject("app");
        strings(app.putArray("argv"), m.argv());
        strings(app.putArray("env"), m.env());
        app.put("workingDir", m.workingDir());
        app.put("user", m.user());
        app.put("stopSignal", m.stopSignal());
        n.put("hostname", m.hostname());
        n.put("network", m.network());
        n.put("readOnly", m.readOnly());
        strings(n.putArray("volumes"), m.volumes());
        n.put("removeOnExit", m.removeOnExit());
        PodSecurity s = m.security();
        ObjectNode security = n.putObject("security");
        security.put("privileged", s.privileged());
        strings(security.putArray("capabilities"), s.capabilities());
        security.put("noNewPrivileges", s.noNewPrivileges());
        security.put("seccomp", s.seccomp());
        strings(security.putArray("maskedPaths"), s.maskedPaths());
        strings(security.putArray("readOnlyPaths"), s.readOnlyPaths());
        return JsonTrees.write(n, true);
    }

    static PodManifest manifest(byte[] json) throws IOException {
        JsonNode n = JsonTrees.read(json);
        JsonNode app = n.path("app");
        return new PodManifest(text(n, "uuid"), n.path("name").asText(null), n.path("image").path("name").asText(),
                n.path("image").path("id").asText(), UtcInstants.parse(text(n, "created")), strings(app.path("argv")),
                strings(app.path("env")), app.path("workingDir").asText("/"), app.path("user").asText(""),
                n.path("hostname").asText(), n.path("network").asText("none"), n.path("readOnly").asBoolean(),
                strings(n.path("volumes")), app.path("stopSignal").asText("SIGTERM"), n.path("removeOnExit").asBoolean(),
                security(n.get("security")));
    }

    private static PodSecurity security(JsonNode s) throws IOException {
        if (s == null) {
            return PodSecurity.UNRECORDED;
        }
        return new PodSecurity(s.path("privileged").asBoolean(), strings(s.path("capabilities")),
                s.path("noNewPrivileges").asBoolean(true), text(s, "seccomp"), strings(s.path("maskedPaths")),
                strings(s.path("readOnlyPaths")));
    }

    static byte[] exit(PodExit e) throws IOException {
        ObjectNode n = JsonTrees.object();
        if (e.exitCodeKnown()) {
            n.put("exitCode", e.exitCode());
        } else {
            n.putNull("exitCode");
        }
        n.put("reason", e.reason());
        n.put("exited", e.exited().toString());
        if (e.message() != null) {
            n.put("message", e.message());
        }
        return JsonTrees.write(n, true);
    }

    static PodExit exit(byte[] json) throws IOException {
        JsonNode n = JsonTrees.read(json);
        JsonNode code = n.path("exitCode");
        return new PodExit(code.isInt() ? code.asInt() : PodExit.UNKNOWN_CODE, text(n, "reason"), UtcInstants.parse(text(n, "exited")),
                n.path("message").asText(null));
    }

    static byte[] process(PodProcess p) throws IOException {
        ObjectNode n = JsonTrees.object();
        n.put("pid", p.pid());
        n.put("startTime", p.startTime());
        n.put("started", p.started().toString());
        return JsonTrees.write(n, true);
    }

    static PodProcess process(byte[] json) throws IOException {
        JsonNode n = JsonTrees.read(json);
        return new PodProcess(n.path("pid").asLong(), n.path("startTime").asLong(), UtcInstants.parse(text(n, "started")));
    }

    private static String text(JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException("pod file lacks the field '" + field + "'");
        }
        return v.asText();
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
