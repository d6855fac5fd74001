package io.jrun.runtime.net;

import io.jrun.runtime.prepare.Network;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** -p's syntax, and --net's values (pure logic). */
class PortMappingTest {
    @Test
    void parsesEveryFormOfDashP() {
        assertThat(PortMapping.parse("8080:80")).isEqualTo(new PortMapping("", 8080, 80, "tcp"));
        assertThat(PortMapping.parse("127.0.0.1:8080:80/udp")).isEqualTo(new PortMapping("127.0.0.1", 8080, 80, "udp"));
        assertThat(PortMapping.parse("8080:80/TCP").protocol()).isEqualTo("tcp");
        assertThat(PortMapping.parse("[::1]:53:53/udp").hostIp()).isEqualTo("::1");
        assertThat(PortMapping.parse("8080:80")).hasToString("0.0.0.0:8080->80/tcp");
    }

    @Test
    void refusesWhatIsNotAPortMappingInOneLine() {
        assertThatThrownBy(() -> PortMapping.parse("80")).hasMessageContaining("HOST_PORT:CONTAINER_PORT");
        assertThatThrownBy(() -> PortMapping.parse("70000:80")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> PortMapping.parse("0:80")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> PortMapping.parse("8080:80/sctp")).hasMessageContaining("use tcp or udp");
        assertThatThrownBy(() -> PortMapping.parse("300.1.1.1:8080:80")).hasMessageContaining("IPv4 address");
    }

    @Test
    void hostPortsClashOnOneProtocolAndAnOverlappingAddress() {
        PortMapping all = PortMapping.parse("8080:80");
        assertThat(all.clashesWith(PortMapping.parse("127.0.0.1:8080:81"))).isTrue();
        assertThat(all.clashesWith(PortMapping.parse("8080:80/udp"))).isFalse();
        assertThat(PortMapping.parse("127.0.0.1:8080:80").clashesWith(PortMapping.parse("10.0.0.1:8080:80"))).isFalse();
        assertThat(all.clashesWith(PortMapping.parse("8081:80"))).isFalse();
    }

    @Test
    void netTakesNoneHostBridgeAndCniNetworkNames() {
        assertThat(Network.parse("none")).isEqualTo(Network.NONE);
        assertThat(Network.parse("HOST")).isEqualTo(Network.HOST);
        Network bridge = Network.parse("bridge");
        assertThat(bridge.isCni()).isTrue();
        assertThat(bridge.cniNetwork()).isEqualTo(Network.DEFAULT_BRIDGE);
        assertThat(bridge.configDir()).isEqualTo(Network.DEFAULT_CONFIG_DIR);
        assertThat(bridge.pluginDir()).isEqualTo(Network.DEFAULT_PLUGIN_DIR);
        assertThat(Network.parse("my-net.1").label()).isEqualTo("my-net.1");
        assertThatThrownBy(() -> Network.parse("bad/name")).hasMessageContaining("invalid network");
        assertThatThrownBy(() -> Network.parse("pasta")).hasMessageContaining("not supported");
    }

    @Test
    void publishedPortsNeedACniNetworkAndEachItsOwnHostPort() {
        assertThatThrownBy(() -> Network.parse("none", null, null, List.of(PortMapping.parse("8080:80"))))
                .hasMessageContaining("--net=bridge");
        assertThatThrownBy(() -> Network.parse("host", null, null, List.of(PortMapping.parse("8080:80"))))
                .hasMessageContaining("not --net=host");
        assertThatThrownBy(() -> Network.parse("bridge", null, null,
                List.of(PortMapping.parse("8080:80"), PortMapping.parse("8080:81"))))
                .hasMessageContaining("the same host port");
    }

    @Test
    void resolvConfFromTheResultElseTheHostsWithoutLoopbackServers() {
        var withDns = new PodNetwork.Attached("n", List.of("10.87.0.2/16"), List.of(), List.of("10.87.0.1"),
                List.of("pods.local"), List.of("ndots:2"));
        assertThat(ResolvConf.forPod(withDns, "nameserver 192.0.2.1\n"))
                .isEqualTo("search pods.local\nnameserver 10.87.0.1\noptions ndots:2\n");
        var without = new PodNetwork.Attached("n", List.of("10.87.0.2/16"), List.of(), List.of(), List.of(), List.of());
        assertThat(ResolvConf.forPod(without, "search lan\nnameserver 127.0.0.53\nnameserver 192.0.2.1\n"))
                .isEqualTo("search lan\nnameserver 192.0.2.1\n");
        assertThat(ResolvConf.forPod(without, "nameserver 127.0.0.53\noptions edns0\n"))
                .isEqualTo("options edns0\nnameserver 8.8.8.8\nnameserver 1.1.1.1\n");
        assertThat(ResolvConf.forPod(without, null)).isEqualTo("nameserver 8.8.8.8\nnameserver 1.1.1.1\n");
    }
}
