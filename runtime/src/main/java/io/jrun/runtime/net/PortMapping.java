package io.jrun.runtime.net;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.JsonTrees;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A published port, {@code -p [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|udp]}: traffic to the
 * host's port (on every address, or only {@code hostIp}) goes to the pod's port, through the
 * CNI portmap plugin's {@code portMappings} capability.
 *
 * @param hostIp        the host address the port is published on, or "" for all
 * @param hostPort      1–65535
 * @param containerPort 1–65535
 * @param protocol      tcp or udp
 */
public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {
    private static final Pattern SYNTAX = Pattern.compile(
            "(?:(?<ip>\\[[0-9A-Fa-f:.]+]|[0-9.]+):)?(?<host>\\d{1,5}):(?<container>\\d{1,5})(?:/(?<proto>[A-Za-z]+))?");

    public PortMapping {
        hostIp = hostIp == null ? "" : hostIp;
        if (hostPort < 1 || hostPort > 65535 || containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("port out of range in " + display(hostIp, hostPort, containerPort, protocol)
                    + ": ports are 1 to 65535");
        }
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new IllegalArgumentException("unknown protocol '" + protocol + "' in -p: use tcp or udp");
        }
    }

    /** Parses {@code -p}'s value; IllegalArgumentException in one line when it does not fit. */
    public static PortMapping parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid -p '" + text
                    + "': use [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|udp], e.g. -p 8080:80");
        }
        String ip = m.group("ip") == null ? "" : m.group("ip").replace("[", "").replace("]", "");
        if (!ip.isEmpty() && !ip.contains(":")) {
            for (String part : ip.split("\\.", -1)) {
                if (ip.split("\\.", -1).length != 4 || part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException("invalid host address '" + ip + "' in -p " + text
                            + ": give an IPv4 address such as 127.0.0.1");
                }
            }
        }
        String proto = m.group("proto") == null ? "tcp" : m.group("proto").toLowerCase(Locale.ROOT);
        return new PortMapping(ip, Integer.parseInt(m.group("host")), Integer.parseInt(m.group("container")), proto);
    }

    /** portmap's runtimeConfig entry. */
    public ObjectNode toJson() {
        ObjectNode n = JsonTrees.object();
        n.put("hostPort", hostPort);
        n.put("containerPort", containerPort);
        n.put("protocol", protocol);
        n.put("hostIP", hostIp);
        return n;
    }

    /** An entry of portmap's runtimeConfig, as the CNI cache holds it. */
    public static PortMapping fromJson(com.fasterxml.jackson.databind.JsonNode n) {
        return new PortMapping(n.path("hostIP").asText(""), n.path("hostPort").asInt(), n.path("containerPort").asInt(),
                n.path("protocol").asText("tcp").toLowerCase(Locale.ROOT));
    }

    /** Whether the two take the same host port: one protocol, and the same address or either on all. */
    public boolean clashesWith(PortMapping other) {
        return hostPort == other.hostPort && protocol.equals(other.protocol)
                && (hostIp.isEmpty() || other.hostIp.isEmpty() || hostIp.equals(other.hostIp));
    }

    /** As podman shows it: {@code 0.0.0.0:8080->80/tcp}. */
    @Override
    public String toString() {
        return display(hostIp, hostPort, containerPort, protocol);
    }

    private static String display(String hostIp, int hostPort, int containerPort, String protocol) {
        String ip = hostIp == null || hostIp.isEmpty() ? "0.0.0.0" : hostIp.contains(":") ? "[" + hostIp + "]" : hostIp;
        return ip + ":" + hostPort + "->" + containerPort + "/" + protocol;
    }
}
