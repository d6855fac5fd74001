package io.jrun.runtime.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.JsonTrees;
import io.jrun.runtime.net.cni.Cni;
import io.jrun.runtime.net.cni.CniCache;
import io.jrun.runtime.net.cni.CniException;
import io.jrun.runtime.net.cni.CniResult;
import io.jrun.runtime.net.cni.NetworkConfigList;
import io.jrun.runtime.prepare.Network;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A pod's network namespace attached to a CNI network. The namespace is an nsfs bind mount
 * ({@code DIR/net}, see SharedNamespaces); beside it {@value #FILE} records the attachment:
 * written before ADD runs (so a jrun killed during ADD still leaves what DEL needs), completed
 * with the pod's addresses after it. {@link #detach} runs DEL from it and libcni's cache, and
 * is called on every path that ends a pod's namespace: the app's exit, stop, rm, gc, and every
 * failed launch.
 */
public final class PodNetwork {
    /** The attachment record in the pod's namespace directory. */
    public static final String FILE = "cni.json";
    /** The interface inside the pod. */
    public static final String IF_NAME = "eth0";

    private PodNetwork() {
    }

    /**
     * What the pod got: the network, its addresses, its published ports, and DNS settings a
     * plugin gave (empty when none did).
     */
    public record Attached(String network, List<String> addresses, List<PortMapping> ports, List<String> nameservers,
                           List<String> search, List<String> options) {
        /** The first address without its prefix length, or null. */
        public String ip() {
            return addresses.isEmpty() ? null : addresses.getFirst().replaceFirst("/\\d+$", "");
        }
    }

    /**
     * Attaches the namespace {@code nsDir/net} to {@code network} (a CNI network) for the pod
     * {@code containerId}: writes jrun's default bridge network first when it is asked for and
     * missing, refuses a host port that is taken, runs ADD. On failure nothing is left of the
     * attachment and the CniException (or IllegalArgumentException) says why in one line.
     */
    public static Attached attach(Path nsDir, String containerId, Network network) throws IOException {
        if (network.cniNetwork().equals(Network.DEFAULT_BRIDGE)) {
            DefaultBridge.ensure(network.configDir());
        }
        NetworkConfigList list = NetworkConfigList.find(network.configDir(), network.cniNetwork()).orElseThrow(() ->
                new IllegalArgumentException("network " + network.cniNetwork() + " not found in " + network.configDir()
                        + ": use --net=bridge, give --cni-config-dir, or add a .conflist named " + network.cniNetwork()));
        CniCache cache = new CniCache(CniCache.DEFAULT_DIR);
        checkPortsFree(network.ports(), cache);
        ObjectNode capabilityArgs = JsonTrees.object();
        if (!network.ports().isEmpty()) {
            ArrayNode ports = capabilityArgs.putArray("portMappings");
            network.ports().forEach(p -> ports.add(p.toJson()));
        }
        ObjectNode record = JsonTrees.object();
        record.put("network", list.name());
        record.put("pluginDir", network.pluginDir().toString());
        record.put("cacheDir", CniCache.DEFAULT_DIR.toString());
        record.put("containerId", containerId);
        record.put("ifName", IF_NAME);
        record.put("configFile", list.source().toString());
        record.set("capabilityArgs", capabilityArgs);
        write(nsDir, record);
        Cni cni = new Cni(network.pluginDir(), cache);
        CniResult result;
        try {
            result = cni.add(list, new Cni.Attachment(containerId, nsDir.resolve("net").toString(), IF_NAME, capabilityArgs));
        } catch (CniException e) {
            Files.deleteIfExists(nsDir.resolve(FILE)); // ADD undid itself
            throw e;
        }
        Attached attached = new Attached(list.name(), result.addresses(), network.ports(), result.nameservers(),
                result.search(), result.options());
        record.set("addresses", strings(attached.addresses()));
        record.set("nameservers", strings(attached.nameservers()));
        record.set("search", strings(attached.search()));
        record.set("options", strings(attached.options()));
        write(nsDir, record);
        return attached;
    }

    /** The pod's attachment as recorded in {@code nsDir}; empty when it has none (any more). */
    public static Optional<Attached> read(Path nsDir) throws IOException {
        JsonNode n = readRecord(nsDir);
        if (n == null) {
            return Optional.empty();
        }
        List<PortMapping> ports = new ArrayList<>();
        n.path("capabilityArgs").path("portMappings").forEach(p -> ports.add(PortMapping.fromJson(p)));
        return Optional.of(new Attached(n.path("network").asText(), list(n.path("addresses")), ports,
                list(n.path("nameservers")), list(n.path("search")), list(n.path("options"))));
    }

    /**
     * DEL: detaches the namespace {@code nsDir/net} from its network, if it is attached, and
     * removes the record. The plugins get the cached result (or, without one, the network's
     * configuration list as it is now in its file). Safe to call again and on a namespace that
     * was never attached. A plugin that fails is reported on stderr; the rest still run.
     */
    public static void detach(Path nsDir) throws IOException {
        JsonNode n = readRecord(nsDir);
        if (n == null) {
            return;
        }
        String network = n.path("network").asText();
        NetworkConfigList current = null;
        try {
            current = NetworkConfigList.parse(Files.readAllBytes(Path.of(n.path("configFile").asText())),
                    Path.of(n.path("configFile").asText()));
        } catch (IOException e) {
            // removed since: the cache has the list as it was used
        }
        ObjectNode capabilityArgs = n.get("capabilityArgs") instanceof ObjectNode o ? o : JsonTrees.object();
        Cni cni = new Cni(Path.of(n.path("pluginDir").asText()), new CniCache(Path.of(n.path("cacheDir").asText())));
        try {
            cni.del(network, current, new Cni.Attachment(n.path("containerId").asText(), nsDir.resolve("net").toString(),
                    n.path("ifName").asText(IF_NAME), capabilityArgs));
        } catch (IOException e) {
            System.err.println("jrun: warning: " + e.getMessage()
                    + " (the pod's network namespace is released anyway; its address may stay leased)");
        }
        Files.deleteIfExists(nsDir.resolve(FILE));
    }

    /**
     * CHECK: whether the pod's attachment is still as ADD made it; a CniException in one line
     * naming the plugin when it is not.
     */
    public static void check(Path nsDir) throws IOException {
        JsonNode n = readRecord(nsDir);
        if (n == null) {
            throw new IllegalStateException("the pod is not attached to a CNI network: --check needs --net=bridge or --net=NAME");
        }
        Cni cni = new Cni(Path.of(n.path("pluginDir").asText()), new CniCache(Path.of(n.path("cacheDir").asText())));
        ObjectNode capabilityArgs = n.get("capabilityArgs") instanceof ObjectNode o ? o : JsonTrees.object();
        cni.check(n.path("network").asText(), new Cni.Attachment(n.path("containerId").asText(),
                nsDir.resolve("net").toString(), n.path("ifName").asText(IF_NAME), capabilityArgs));
    }

    /**
     * Refuses a host port another pod publishes (in the CNI cache, of any network whose plugins
     * ran in this jrun's network namespace, where portmap's rules are; an entry of another
     * runtime counts too) or a process listens on. Two jruns started at the same
     * instant can both pass; the second one's traffic then goes to the first pod.
     */
    static void checkPortsFree(List<PortMapping> ports, CniCache cache) throws IOException {
        if (ports.isEmpty()) {
            return;
        }
        String here = CniCache.ownNetns();
        for (CniCache.Entry e : cache.entries()) {
            if (e.hostNetns() != null && here != null && !e.hostNetns().equals(here)) {
                continue; // published in another namespace's iptables: a port of its own
            }
            for (JsonNode p : e.capabilityArgs().path("portMappings")) {
                PortMapping taken = PortMapping.fromJson(p);
                for (PortMapping wanted : ports) {
                    if (wanted.clashesWith(taken)) {
                        throw new IllegalArgumentException("host port " + wanted.hostPort() + "/" + wanted.protocol()
                                + " is taken by pod " + e.containerId() + " (" + taken + " on network " + e.network()
                                + "): publish another host port with -p");
                    }
                }
            }
        }
        for (PortMapping wanted : ports) {
            InetAddress address = wanted.hostIp().isEmpty() ? null : InetAddress.getByName(wanted.hostIp());
            try {
                if (wanted.protocol().equals("udp")) {
                    try (DatagramSocket s = new DatagramSocket(null)) {
                        s.bind(new InetSocketAddress(address, wanted.hostPort()));
                    }
                } else {
                    try (ServerSocket s = new ServerSocket()) {
                        s.setReuseAddress(true);
                        s.bind(new InetSocketAddress(address, wanted.hostPort()));
                    }
                }
            } catch (java.net.BindException e) {
                throw new IllegalArgumentException("host port " + wanted.hostPort() + "/" + wanted.protocol()
                        + " is taken" + (address == null ? "" : " on " + wanted.hostIp()) + " (" + e.getMessage()
                        + "): stop what listens there, or publish another host port with -p");
            }
        }
    }

    private static JsonNode readRecord(Path nsDir) throws IOException {
        try {
            return JsonTrees.read(Files.readAllBytes(nsDir.resolve(FILE)));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void write(Path nsDir, ObjectNode record) throws IOException {
        Path temp = nsDir.resolve("." + FILE + ".tmp");
        Files.write(temp, JsonTrees.write(record, true));
        Files.move(temp, nsDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = JsonTrees.object().arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static List<String> list(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
