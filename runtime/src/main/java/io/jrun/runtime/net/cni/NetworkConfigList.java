package io.jrun.runtime.net.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.JsonTrees;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A CNI network configuration list (a {@code .conflist}, or a single-plugin {@code .conf}
 * taken as a list of one, as libcni does): its name, CNI version and plugin configurations in
 * the order ADD runs them.
 *
 * @param name       the network's name (the {@code --net=NAME} that picks it)
 * @param cniVersion the CNI version every plugin is called with
 * @param plugins    each plugin's configuration object, with at least {@code type}
 * @param bytes      the list as read, which the result cache keeps for DEL
 * @param source     the file it was read from, for messages
 */
public record NetworkConfigList(String name, String cniVersion, List<ObjectNode> plugins, byte[] bytes, Path source) {
    /** The spec's network names: letters, digits, '_', '.', '-', starting with a letter or digit. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");
    /** Plugin types are program names in the plugin directory: no path. */
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    public NetworkConfigList {
        plugins = List.copyOf(plugins);
    }

    /** Whether {@code name} is a valid network name. */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Parses a {@code .conflist} ({@code plugins}) or a {@code .conf} (one plugin at the top). */
    public static NetworkConfigList parse(byte[] bytes, Path source) throws CniException {
        JsonNode root;
        try {
            root = JsonTrees.read(bytes);
        } catch (IOException | RuntimeException e) {
            throw new CniException("CNI config " + source + " is not valid JSON: " + oneLine(e.getMessage())
                    + ": fix or remove the file");
        }
        if (!(root instanceof ObjectNode top)) {
            throw new CniException("CNI config " + source + " is not a JSON object: fix or remove the file");
        }
        String name = text(top, "name");
        if (!validName(name)) {
            throw new CniException("CNI config " + source + " has " + (name == null ? "no name" : "the invalid name '"
                    + name + "'") + ": give it a \"name\" of letters, digits, '_', '.' and '-'");
        }
        String version = text(top, "cniVersion");
        if (version == null) {
            throw new CniException("CNI config " + source + " has no cniVersion: add one (\"1.0.0\")");
        }
        List<ObjectNode> plugins = new ArrayList<>();
        if (top.has("plugins")) {
            JsonNode list = top.get("plugins");
            if (!list.isArray() || list.isEmpty()) {
                throw new CniException("CNI config " + source + ": \"plugins\" must be a non-empty array of plugin objects");
            }
            for (JsonNode p : list) {
                if (!(p instanceof ObjectNode o)) {
                    throw new CniException("CNI config " + source + ": every entry of \"plugins\" must be an object");
                }
                plugins.add(o);
            }
        } else {
            ObjectNode single = top.deepCopy();
            single.remove(List.of("name", "cniVersion"));
            plugins.add(single);
        }
        for (ObjectNode p : plugins) {
            String type = text(p, "type");
            if (type == null || !TYPE.matcher(type).matches()) {
                throw new CniException("CNI config " + source + " has a plugin " + (type == null ? "without a type"
                        : "of the invalid type '" + type + "'") + ": give each plugin a \"type\", the plugin's program name");
            }
        }
        return new NetworkConfigList(name, version, plugins, bytes.clone(), source);
    }

    /**
     * The list named {@code name} in {@code dir}: its {@code *.conflist}, {@code *.conf} and
     * {@code *.json} files in name order, the first with that name winning (libcni's rule). A
     * file that cannot be parsed is skipped unless it is the one asked for by file name.
     */
    public static java.util.Optional<NetworkConfigList> find(Path dir, String name) throws IOException {
        for (NetworkConfigList list : all(dir)) {
            if (list.name().equals(name)) {
                return java.util.Optional.of(list);
            }
        }
        return java.util.Optional.empty();
    }

    /** Every parsable list in {@code dir}, in file name order; none when the directory is missing. */
    public static List<NetworkConfigList> all(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String f = p.getFileName().toString();
                if ((f.endsWith(".conflist") || f.endsWith(".conf") || f.endsWith(".json")) && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        files.sort(null);
        List<NetworkConfigList> lists = new ArrayList<>();
        for (Path p : files) {
            try {
                lists.add(parse(Files.readAllBytes(p), p));
            } catch (CniException e) {
                // another tool's broken file must not hide the networks that are fine (libcni skips it too)
            }
        }
        return lists;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
