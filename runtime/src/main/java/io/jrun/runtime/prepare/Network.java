package io.jrun.runtime.prepare;

import io.jrun.runtime.net.PortMapping;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The pod's network: its own namespace with only loopback, the host's, or its own namespace
 * attached to a CNI network ({@code --net=bridge}, jrun's default bridge network, or
 * {@code --net=NAME}, any network configuration list in the CNI config directory).
 *
 * @param kind       none, host or cni
 * @param cniNetwork the CNI network's name (cni only; {@code bridge} is jrun's default network)
 * @param configDir  where the CNI network configuration lists are (cni only)
 * @param pluginDir  where the CNI plugins are (cni only)
 * @param ports      published ports, {@code -p} (cni only)
 */
public record Network(Kind kind, String cniNetwork, Path configDir, Path pluginDir, List<PortMapping> ports) {
    /** CNI's and podman's defaults. */
    public static final Path DEFAULT_CONFIG_DIR = Path.of("/etc/cni/net.d");
    public static final Path DEFAULT_PLUGIN_DIR = Path.of("/usr/lib/cni");
    /** jrun's default bridge network's name, which {@code --net=bridge} picks. */
    public static final String DEFAULT_BRIDGE = "jrun";

    public enum Kind { NONE, HOST, CNI }

    /** A new network namespace with only {@code lo} (up): the default. */
    public static final Network NONE = new Network(Kind.NONE, null, null, null, List.of());
    /** The host's network namespace, as {@code --net=host}: the container sees every interface. */
    public static final Network HOST = new Network(Kind.HOST, null, null, null, List.of());

    public Network {
        ports = ports == null ? List.of() : List.copyOf(ports);
        if (kind == Kind.CNI) {
            configDir = configDir == null ? DEFAULT_CONFIG_DIR : configDir;
            pluginDir = pluginDir == null ? DEFAULT_PLUGIN_DIR : pluginDir;
        } else if (!ports.isEmpty()) {
            throw new IllegalArgumentException("-p publishes a port of a pod's own network: use it with --net=bridge"
                    + " (or --net=NAME), not --net=" + kind.name().toLowerCase(Locale.ROOT));
        }
        for (int i = 0; i < ports.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (ports.get(i).clashesWith(ports.get(j))) {
                    throw new IllegalArgumentException("-p " + ports.get(i) + " and -p " + ports.get(j)
                            + " publish the same host port: give each its own");
                }
            }
        }
    }

    /** Parses {@code --net}'s value, with the CNI directories and published ports for a CNI network. */
    public static Network parse(String text, Path configDir, Path pluginDir, List<PortMapping> ports) {
        String lower = text.toLowerCase(Locale.ROOT);
        Network network = switch (lower) {
            case "none" -> NONE;
            case "host" -> HOST;
            case "bridge", "default" -> new Network(Kind.CNI, DEFAULT_BRIDGE, configDir, pluginDir, ports);
            case "slirp4netns", "pasta" -> throw new IllegalArgumentException("--net=" + text
                    + " is not supported: use --net=bridge, --net=none (the default) or --net=host");
            default -> {
                if (lower.startsWith("container:") || lower.startsWith("pod:") || lower.startsWith("ns:")) {
                    throw new IllegalArgumentException("--net=" + text + " is not supported yet: use --net=bridge,"
                            + " --net=NAME (a CNI network), --net=none or --net=host");
                }
                if (!io.jrun.runtime.net.cni.NetworkConfigList.validName(text)) {
                    throw new IllegalArgumentException("invalid network '" + text + "': use none, host, bridge or the"
                            + " name of a CNI network (letters, digits, '_', '.', '-')");
                }
                yield new Network(Kind.CNI, text, configDir, pluginDir, ports);
            }
        };
        if (network.kind() != Kind.CNI && (!ports.isEmpty())) {
            return new Network(network.kind(), null, null, null, ports); // refuses -p in one line
        }
        return network;
    }

    /** Parses {@code --net}'s value: none, host, bridge or a CNI network in the default directories. */
    public static Network parse(String text) {
        return parse(text, null, null, List.of());
    }

    public boolean isHost() {
        return kind == Kind.HOST;
    }

    public boolean isCni() {
        return kind == Kind.CNI;
    }

    /** What pod.json and jrun status call it: none, host, or the CNI network's name. */
    public String label() {
        return kind == Kind.CNI ? cniNetwork : kind.name().toLowerCase(Locale.ROOT);
    }
}
