package io.jrun.nativetests.net;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.Tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A network namespace of the test's own ({@code ip netns add jrun-t-…}, loopback up) in which
 * every jrun command of a network test runs ({@code nsenter --net=/run/netns/NAME java …}; not
 * {@code ip netns exec}, which remounts /sys and hides the cgroup mounts), so the bridges,
 * veths, iptables rules and traffic of the test stay in it; and a CNI network of the test's own
 * (its name, bridge, subnet and host-local data directory), so its leases and cache files
 * collide with nothing else. {@link #close()} deletes the namespace and checks it is gone.
 */
final class TestNetwork implements AutoCloseable {
    final String netns;
    final String network;
    final String bridge;
    final String subnetPrefix;
    final Path configDir;
    final Path leases;
    final JrunCli jrun;

    private TestNetwork(String netns, String network, String bridge, String subnetPrefix, Path configDir, Path leases,
                        JrunCli jrun) {
        this.netns = netns;
        this.network = network;
        this.bridge = bridge;
        this.subnetPrefix = subnetPrefix;
        this.configDir = configDir;
        this.leases = leases;
        this.jrun = jrun;
    }

    /** Makes the namespace and writes the network's conflist (bridge, host-local, portmap, firewall) under {@code dir}. */
    static TestNetwork create(Path dir, JrunCli jrun) throws IOException {
        Tools.require("ip", "nsenter", "iptables-save", "curl");
        if (!Files.isExecutable(Path.of("/usr/lib/cni/bridge")) || !Files.isExecutable(Path.of("/usr/lib/cni/portmap"))) {
            throw new AssertionError("the CNI plugins are missing from /usr/lib/cni: run scripts/setup.sh"
                    + " (containernetworking-plugins)");
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        String netns = "jrun-t-" + id;
        Tools.check(List.of("ip", "netns", "add", netns), 30);
        Tools.check(List.of("nsenter", "--net=/run/netns/" + netns, "ip", "link", "set", "lo", "up"), 30);
        String network = "jrun-t-" + id;
        Path configDir = Files.createDirectories(dir.resolve("cni"));
        Path leases = dir.resolve("leases");
        String prefix = "10.123.45";
        Files.writeString(configDir.resolve("50-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "%s", "plugins": [
                  {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": true, "hairpinMode": true,
                   "ipam": {"type": "host-local", "dataDir": "%s", "routes": [{"dst": "0.0.0.0/0"}],
                            "ranges": [[{"subnet": "%s.0/24", "gateway": "%s.1"}]]}},
                  {"type": "portmap", "capabilities": {"portMappings": true}},
                  {"type": "firewall"}]}
                """.formatted(network, "jt" + id, leases, prefix, prefix), StandardCharsets.UTF_8);
        return new TestNetwork(netns, network, "jt" + id, prefix, configDir, leases, jrun);
    }

    /** The gateway's address: the host side of the bridge. */
    String gateway() {
        return subnetPrefix + ".1";
    }

    /** {@code nsenter --net=…} before {@code command}. */
    List<String> inside(List<String> command) {
        List<String> c = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + netns));
        c.addAll(command);
        return c;
    }

    /** jrun's command line in the namespace, with the test's CNI config directory where {@code args} run a pod. */
    ProcessBuilder command(String... args) {
        ProcessBuilder pb = jrun.command(args);
        pb.command(inside(pb.command()));
        return pb;
    }

    /** Runs jrun in the namespace to its end. */
    JrunCli.Result run(String... args) throws IOException, InterruptedException {
        return JrunCli.runToEnd(command(args), args);
    }

    /** Runs jrun in the namespace and asserts that it succeeded. */
    JrunCli.Result ok(String... args) throws IOException, InterruptedException {
        JrunCli.Result r = run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isZero();
        return r;
    }

    /** A tool in the namespace (curl, ip, iptables-save): its exit code and output. */
    Tools.Result tool(String... command) {
        return Tools.run(inside(List.of(command)), 60);
    }

    /** The namespace's veth interfaces (the host ends of the pods' links). */
    List<String> veths() {
        return tool("ip", "-o", "link", "show", "type", "veth").output().lines().filter(l -> !l.isBlank()).toList();
    }

    /** The namespace's iptables rules that belong to one pod (they name its container ID), in every table. */
    List<String> podRules() {
        return tool("iptables-save").output().lines()
                .filter(l -> l.contains("id: \\\"") || l.startsWith("-A CNI-DN-") || l.startsWith(":CNI-DN-"))
                .toList();
    }

    /** host-local's leases of the network: files named by address (its lock and last_reserved_ip files aside). */
    List<String> leased() throws IOException {
        Path dir = leases.resolve(network);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(subnetPrefix)).toList();
        }
    }

    /** libcni's cache files of the network. */
    List<String> cached() throws IOException {
        Path results = Path.of("/var/lib/cni/results");
        if (!Files.isDirectory(results)) {
            return List.of();
        }
        try (var s = Files.list(results)) {
            return s.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(network + "-")).toList();
        }
    }

    @Override
    public void close() {
        Tools.check(List.of("ip", "netns", "delete", netns), 30);
        assertThat(Path.of("/run/netns", netns)).as("the test's network namespace is deleted").doesNotExist();
    }
}
