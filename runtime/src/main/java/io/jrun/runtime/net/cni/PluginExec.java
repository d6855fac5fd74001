package io.jrun.runtime.net.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.JsonTrees;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs one CNI plugin as the spec says: the program named by the configuration's {@code type}
 * in the plugin directory, the CNI_* variables in its environment (jrun's own environment
 * besides, as libcni passes it: plugins call iptables through PATH), the configuration on
 * stdin, the result or the error JSON on stdout.
 */
final class PluginExec {
    private PluginExec() {
    }

    /** The CNI_* environment of one call. */
    record Call(String command, String containerId, String netns, String ifName, String args, Path pluginDir) {
        Map<String, String> environment() {
            return Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", containerId, "CNI_NETNS", netns,
                    "CNI_IFNAME", ifName, "CNI_ARGS", args, "CNI_PATH", pluginDir.toString());
        }
    }

    /**
     * Runs the plugin of {@code config} and returns what it printed on stdout (an empty object
     * for a DEL or CHECK that printed nothing). A missing plugin, a non-zero exit or output that
     * is not JSON throws a CniException naming the network, the plugin and its error message.
     */
    static ObjectNode run(String network, ObjectNode config, Call call) throws CniException {
        String type = config.get("type").asText();
        Path program = call.pluginDir().resolve(type);
        if (!Files.isExecutable(program)) {
            throw new CniException("network " + network + ": CNI plugin " + type + " not found in " + call.pluginDir()
                    + ": install it (apt-get install containernetworking-plugins) or give --cni-plugin-dir");
        }
        byte[] stdin;
        try {
            stdin = JsonTrees.write(config, false);
        } catch (IOException e) {
            throw new CniException("network " + network + ": cannot write plugin " + type + "'s configuration: "
                    + e.getMessage(), e);
        }
        ProcessBuilder pb = new ProcessBuilder(program.toString());
        pb.environment().putAll(call.environment());
        pb.directory(call.pluginDir().toFile());
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new CniException("network " + network + ": cannot run CNI plugin " + program + ": " + e.getMessage(), e);
        }
        byte[] out;
        byte[] err;
        int code;
        try {
            ByteArrayOutputStream errBuffer = new ByteArrayOutputStream();
            Thread errReader = Thread.ofPlatform().name("jrun-cni-stderr").daemon().start(() -> drain(process.getErrorStream(), errBuffer));
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // a plugin that exits without reading its stdin: its own error follows
            }
            out = process.getInputStream().readAllBytes();
            code = process.waitFor();
            errReader.join();
            err = errBuffer.toByteArray();
        } catch (IOException e) {
            process.destroyForcibly();
            throw new CniException("network " + network + ": cannot read CNI plugin " + type + "'s output: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CniException("network " + network + ": interrupted while CNI plugin " + type + " ran", e);
        }
        JsonNode parsed = null;
        if (out.length > 0) {
            try {
                parsed = JsonTrees.read(out);
            } catch (IOException | RuntimeException e) {
                parsed = null;
            }
        }
        if (code != 0) {
            throw new CniException("network " + network + ": CNI plugin " + type + " failed (" + call.command() + "): "
                    + errorMessage(parsed, out, err, code));
        }
        if (out.length == 0 || new String(out, StandardCharsets.UTF_8).isBlank()) {
            return JsonTrees.object();
        }
        if (!(parsed instanceof ObjectNode result)) {
            throw new CniException("network " + network + ": CNI plugin " + type + " printed no JSON result ("
                    + call.command() + "): " + NetworkConfigList.oneLine(new String(out, StandardCharsets.UTF_8)));
        }
        return result;
    }

    /** The error JSON's msg and details ({code, msg, details}), else what the plugin printed, on one line. */
    static String errorMessage(JsonNode error, byte[] out, byte[] err, int exitCode) {
        if (error != null && error.hasNonNull("msg")) {
            String msg = error.get("msg").asText();
            String details = error.path("details").asText("");
            return NetworkConfigList.oneLine(msg + (details.isBlank() ? "" : ": " + details))
                    + (error.has("code") ? " (CNI error " + error.get("code").asText() + ")" : "");
        }
        String text = NetworkConfigList.oneLine(new String(out, StandardCharsets.UTF_8) + " "
                + new String(err, StandardCharsets.UTF_8));
        return (text.isEmpty() ? "it exited with " + exitCode + " and printed nothing" : text);
    }

    private static void drain(InputStream in, ByteArrayOutputStream into) {
        try (in) {
            in.transferTo(into);
        } catch (IOException e) {
            // the plugin closed it
        }
    }
}
