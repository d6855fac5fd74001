package io.jrun.nativetests.net;

import io.jrun.nativetests.fetch.JrunCli;
import io.jrun.nativetests.harness.HostLeftAsItWas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pods on CNI networks with the real CLI and Debian's real CNI plugins, as root, against the
 * real kernel; every jrun command runs in a network namespace this class made (see
 * {@link TestNetwork}), so nothing touches the machine's own network. Each test ends with
 * nothing of its pods left: after {@code jrun gc}, no veth, no per-pod iptables rule, no
 * host-local lease, no CNI cache file, no namespace mount (HostLeftAsItWas checks the mount
 * table and processes).
 */
@ExtendWith(HostLeftAsItWas.class)
class CniNetworkTest {
    @TempDir
    static Path state;
    @TempDir
    static Path dir;
    static JrunCli jrun;
    static String busybox;
    static TestNetwork net;

    @BeforeAll
    static void setUp() throws Exception {
        jrun = new JrunCli(state);
        busybox = jrun.fetchBusybox();
        net = TestNetwork.create(dir, jrun);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (net != null) {
            try {
                removeEveryPod();
            } finally {
                net.close();
            }
        }
    }

    /** Removes every pod, in the test's namespace (their DEL must run there), and collects the garbage. */
    private static void removeEveryPod() throws Exception {
        for (String pod : net.ok("list", "-q").stdout().lines().filter(l -> !l.isBlank()).toList()) {
            net.run("rm", "-f", pod);
        }
        net.ok("gc", "--grace-period", "0");
    }

    @AfterEach
    void nothingLeft() throws Exception {
        // a test that failed half-way leaves its pods: removed here (in the test's namespace) so the rest can run
        removeEveryPod();
        assertThat(net.veths()).as("veths in the test's namespace").isEmpty();
        assertThat(net.podRules()).as("per-pod iptables rules in the test's namespace").isEmpty();
        assertThat(net.leased()).as("host-local leases").isEmpty();
        assertThat(net.cached()).as("CNI cache files of the network").isEmpty();
        assertThat(entries(state.resolve("pods/netns"))).as("pods' network namespace directories").isEmpty();
        assertThat(net.ok("list", "-q").stdout()).as("pods after gc").isBlank();
    }

    private static List<Path> entries(Path d) throws Exception {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (var s = Files.list(d)) {
            return s.toList();
        }
    }

    private String[] onNet(String... rest) {
        List<String> args = new java.util.ArrayList<>(List.of("--net=" + net.network, "--cni-config-dir",
                net.configDir.toString()));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A detached httpd pod on the test network, serving {@code body} at / on port 80. */
    private String server(String name, String body, String... publish) throws Exception {
        String[] run = concat(new String[] {"run", "-d", "--name", name}, onNet(publish));
        run = concat(run, busybox, "sh", "-c", "mkdir /www && echo " + body + " > /www/index.html && exec httpd -f -p 80 -h /www");
        return net.ok(run).stdout().strip();
    }

    private String status(String pod, String key) throws Exception {
        return net.ok("status", pod).stdout().lines().filter(l -> l.startsWith(key + "="))
                .map(l -> l.substring(key.length() + 1)).findFirst().orElse(null);
    }

    /** curl in the test's namespace: the body, or the failure. */
    private String fetch(String url) {
        var r = net.tool("curl", "-sS", "-m", "10", "--retry", "20", "--retry-connrefused", "--retry-delay", "0", url);
        return r.exitCode() + ":" + r.output().strip();
    }

    /** What the namespace's NAT table and sysctls look like, for a failed fetch's message. */
    private String natState() {
        return net.tool("iptables-save", "-t", "nat").output() + net.tool("ip", "-4", "addr").output()
                + net.tool("sysctl", "net.ipv4.conf.all.route_localnet", "net.ipv4.conf." + net.bridge + ".route_localnet").output();
    }

    @Test
    void twoPodsOnOneBridgeReachEachOtherByAddressAndKnowTheirOwnInEtcHosts() throws Exception {
        server("net-a", "hello-from-a");
        String ip = status("net-a", "ip");
        assertThat(ip).as("pod a's address").startsWith(net.subnetPrefix + ".");
        assertThat(status("net-a", "network")).isEqualTo(net.network);
        assertThat(net.cached()).as("a's CNI cache file while it runs").hasSize(1);
        assertThat(net.leased()).as("a's lease while it runs").containsExactly(ip);

        String[] client = concat(concat(new String[] {"run", "--rm", "--hostname", "client-b"}, onNet()), busybox, "sh", "-c",
                // nc, not busybox's wget, which segfaults on this kernel
                "for i in $(seq 50); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 " + ip + " 80 > /tmp/got && [ -s /tmp/got ] && break;"
                        + " sleep 0.2; done; tail -n 1 /tmp/got; echo hosts; cat /etc/hosts; ip -4 -o addr show eth0");
        String out = net.ok(client).stdout();
        assertThat(out).startsWith("hello-from-a\n");
        assertThat(out).containsPattern("(?m)^" + net.subnetPrefix.replace(".", "\\.") + "\\.\\d+\\tclient-b$");
        assertThat(out).contains("eth0").contains(net.subnetPrefix + ".");

        net.ok("stop", "-t", "1", "net-a"); // conmon's exit command detaches it
        assertThat(net.cached()).as("a's cache file once it stopped").isEmpty();
        assertThat(net.leased()).as("a's lease once it stopped").isEmpty();
        net.ok("rm", "net-a");
    }

    @Test
    void publishedPortsReachTheirPodsOnLoopbackAndTheBridgeAddressAndATakenPortIsRefused() throws Exception {
        server("port-a", "served-by-a", "-p", "18080:80");
        server("port-b", "served-by-b", "-p", "18081:80");
        assertThat(status("port-a", "ports")).isEqualTo("0.0.0.0:18080->80/tcp");
        assertThat(net.ok("list").stdout()).contains("0.0.0.0:18081->80/tcp");

        assertThat(fetch("http://127.0.0.1:18080/")).as(this::natState).isEqualTo("0:served-by-a");
        assertThat(fetch("http://" + net.gateway() + ":18080/")).isEqualTo("0:served-by-a");
        assertThat(fetch("http://127.0.0.1:18081/")).isEqualTo("0:served-by-b");

        JrunCli.Result taken = net.run(concat(concat(new String[] {"run", "--rm"}, onNet("-p", "18080:80")), busybox, "true"));
        assertThat(taken.exitCode()).as(taken.toString()).isEqualTo(125);
        assertThat(taken.stderr()).startsWith("jrun: host port 18080/tcp is taken by pod ")
                .contains("publish another host port with -p").hasLineCount(1);

        net.ok("rm", "-f", "port-a");
        net.ok("rm", "-f", "port-b");
        assertThat(net.tool("curl", "-sS", "-m", "5", "http://127.0.0.1:18080/").exitCode())
                .as("nothing answers once the pod is gone").isNotZero();
    }

    @Test
    void aSigkilledSupervisorsPodIsDetachedByGc() throws Exception {
        Process supervisor = net.command(concat(concat(new String[] {"run", "--name", "killed"}, onNet("-p", "18082:80")),
                busybox, "sleep", "600")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String ip = null;
            for (int i = 0; i < 600 && ip == null; i++) {
                JrunCli.Result s = net.run("status", "killed");
                ip = s.exitCode() == 0 && s.stdout().contains("state=running") ? status("killed", "ip") : null;
                if (ip == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(ip).as("the pod runs on the network").isNotNull();
            assertThat(net.cached()).hasSize(1);
            assertThat(net.veths()).hasSize(1);
            assertThat(net.podRules()).isNotEmpty();
        } finally {
            supervisor.destroyForcibly().waitFor(); // SIGKILL: nsenter exec'd the JVM, this is jrun itself
        }
        assertThat(net.leased()).as("the lease outlives the supervisor until gc").hasSize(1);
        net.ok("gc", "--grace-period", "0"); // stops the abandoned app, and detaches the pod
        assertThat(net.ok("list", "-q").stdout()).as("gc removed the pod").isBlank();
        assertThat(net.veths()).as("veths after gc").isEmpty();
        assertThat(net.podRules()).as("the pod's iptables rules after gc").isEmpty();
        assertThat(net.leased()).as("host-local's lease after gc").isEmpty();
        assertThat(net.cached()).as("the CNI cache file after gc").isEmpty();
    }

    @Test
    void aPluginFailureIsOneLineWithExit125AndLeavesNothing() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        for (String p : List.of("bridge", "host-local", "loopback")) {
            Files.createSymbolicLink(plugins.resolve(p), Path.of("/usr/lib/cni", p));
        }
        Path failing = plugins.resolve("failing");
        Files.writeString(failing, """
                #!/bin/sh
                cat >/dev/null
                [ "$CNI_COMMAND" = ADD ] || exit 0
                echo '{"cniVersion":"1.0.0","code":999,"msg":"the failing plugin refuses","details":"as the test asked"}'
                exit 1
                """);
        Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwxr-xr-x"));
        String name = net.network + "-fail";
        Path config = Files.createDirectories(dir.resolve("cni-fail"));
        Files.writeString(config.resolve("fail.conflist"), """
                {"cniVersion": "1.0.0", "name": "%s", "plugins": [
                  {"type": "bridge", "bridge": "%s", "isGateway": true,
                   "ipam": {"type": "host-local", "dataDir": "%s", "ranges": [[{"subnet": "10.123.46.0/24"}]]}},
                  {"type": "failing"}]}
                """.formatted(name, net.bridge + "f", net.leases)); // a subnet of its own: its bridge stays, as bridges do

        JrunCli.Result r = net.run("run", "--rm", "--net=" + name, "--cni-config-dir", config.toString(),
                "--cni-plugin-dir", plugins.toString(), busybox, "true");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jrun: network " + name + ": CNI plugin failing failed (ADD):"
                + " the failing plugin refuses: as the test asked (CNI error 999)\n");
        assertThat(net.veths()).as("the bridge plugin's veth was deleted (DEL after the failed ADD)").isEmpty();
        Path leases = net.leases.resolve(name);
        try (var s = Files.list(leases)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("10.123.46.")))
                    .as("host-local released the address it gave").isEmpty();
        }
        assertThat(Files.list(Path.of("/var/lib/cni/results")).filter(p -> p.getFileName().toString().startsWith(name + "-")))
                .as("no CNI cache file").isEmpty();
        assertThat(net.ok("list", "-q").stdout()).as("no pod").isBlank();
    }

    @Test
    void aPodOfSeveralAppsOnTheDefaultBridgeSharesOneAddress() throws Exception {
        Path config = Files.createDirectories(dir.resolve("cni-default"));
        String show = "ip -4 -o addr show eth0 | awk '{print $4}'";
        String out = net.ok("run", "--rm", "--net=bridge", "--cni-config-dir", config.toString(),
                busybox, "--app-name", "a", "--", "sh", "-c", show,
                "---", busybox, "--app-name", "b", "--", "sh", "-c", "sleep 0.2; " + show).stdout();
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).as("jrun's bridge network's subnet").startsWith("10.87.").endsWith("/16")
                .isEqualTo(lines.get(1));
        assertThat(config.resolve("87-jrun-bridge.conflist")).as("the default network, written on first use")
                .content().contains("\"name\": \"jrun\"", "\"bridge\": \"jrun0\"", "10.87.0.0/16");
        assertThat(Files.list(Path.of("/var/lib/cni/results")).filter(p -> p.getFileName().toString()
                        .matches("jrun-[0-9a-f]{8}-[0-9a-f-]+-eth0")))
                .as("no CNI cache file of the default network").isEmpty();
        assertThat(net.tool("ip", "link", "show", "jrun0").exitCode()).as("the bridge is in the test's namespace").isZero();
        assertThat(net.tool("ip", "-o", "link", "show", "master", "jrun0").output()).as("no pod's veth on it").isBlank();
    }
}
