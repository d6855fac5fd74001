package io.jrun.runtime.net.cni;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.oci.JsonTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading network configuration lists, and the configuration each plugin is given (pure logic). */
class NetworkConfigListTest {
    private static final Path SOURCE = Path.of("/etc/cni/net.d/t.conflist");

    private static NetworkConfigList parse(String json) throws CniException {
        return NetworkConfigList.parse(json.getBytes(StandardCharsets.UTF_8), SOURCE);
    }

    @Test
    void aConflistKeepsItsPluginsInOrder() throws Exception {
        NetworkConfigList list = parse("""
                {"cniVersion":"1.0.0","name":"t1","plugins":[{"type":"bridge","bridge":"b0"},{"type":"portmap"}]}""");
        assertThat(list.name()).isEqualTo("t1");
        assertThat(list.cniVersion()).isEqualTo("1.0.0");
        assertThat(list.plugins()).extracting(p -> p.get("type").asText()).containsExactly("bridge", "portmap");
    }

    @Test
    void aSinglePluginConfIsAListOfOne() throws Exception {
        NetworkConfigList list = parse("""
                {"cniVersion":"0.4.0","name":"single","type":"bridge","bridge":"b1"}""");
        assertThat(list.plugins()).hasSize(1);
        assertThat(list.plugins().getFirst().get("bridge").asText()).isEqualTo("b1");
        assertThat(list.plugins().getFirst().has("name")).isFalse();
    }

    @Test
    void brokenListsAreRefusedInOneLineNamingTheFile() {
        assertThatThrownBy(() -> parse("{\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"x\"}]}"))
                .hasMessageContaining(SOURCE.toString()).hasMessageContaining("no name").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> parse("{\"name\":\"n\",\"plugins\":[{\"type\":\"x\"}]}")).hasMessageContaining("cniVersion");
        assertThatThrownBy(() -> parse("{\"name\":\"n\",\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"../bin/sh\"}]}"))
                .hasMessageContaining("invalid type '../bin/sh'");
        assertThatThrownBy(() -> parse("{\"name\":\"n\",\"cniVersion\":\"1.0.0\",\"plugins\":[]}"))
                .hasMessageContaining("non-empty array");
        assertThatThrownBy(() -> parse("{not json")).hasMessageContaining("not valid JSON").hasMessageNotContaining("\n");
    }

    @Test
    void findTakesTheFirstFileWithTheNameAndSkipsBrokenOnes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("10-broken.conflist"), "{");
        Files.writeString(dir.resolve("20-a.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":\"first\"}]}");
        Files.writeString(dir.resolve("30-b.conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"type\":\"second\"}");
        Files.writeString(dir.resolve("README"), "not a config");
        assertThat(NetworkConfigList.find(dir, "net").orElseThrow().plugins().getFirst().get("type").asText())
                .isEqualTo("first");
        assertThat(NetworkConfigList.find(dir, "other")).isEmpty();
        assertThat(NetworkConfigList.find(dir.resolve("missing"), "net")).isEmpty();
    }

    @Test
    void eachPluginGetsTheListsNameVersionPreviousResultAndOnlyTheCapabilitiesItDeclares() throws Exception {
        NetworkConfigList list = parse("""
                {"cniVersion":"1.0.0","name":"n","plugins":[
                  {"type":"bridge"},
                  {"type":"portmap","capabilities":{"portMappings":true,"ips":false}}]}""");
        ObjectNode args = (ObjectNode) JsonTrees.read("""
                {"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp","hostIP":""}],"ips":["10.0.0.9"]}"""
                .getBytes(StandardCharsets.UTF_8));
        ObjectNode previous = (ObjectNode) JsonTrees.read("{\"cniVersion\":\"1.0.0\",\"ips\":[]}".getBytes(StandardCharsets.UTF_8));

        ObjectNode bridge = Cni.pluginConfig(list, list.plugins().get(0), null, args);
        assertThat(bridge.get("name").asText()).isEqualTo("n");
        assertThat(bridge.get("cniVersion").asText()).isEqualTo("1.0.0");
        assertThat(bridge.has("prevResult")).isFalse();
        assertThat(bridge.has("runtimeConfig")).isFalse();

        ObjectNode portmap = Cni.pluginConfig(list, list.plugins().get(1), previous, args);
        assertThat(portmap.get("prevResult")).isEqualTo(previous);
        assertThat(portmap.get("runtimeConfig").fieldNames()).toIterable().containsExactly("portMappings");
        assertThat(portmap.at("/runtimeConfig/portMappings/0/hostPort").asInt()).isEqualTo(8080);
        assertThat(list.plugins().get(1).has("prevResult")).as("the list itself is left as it was").isFalse();
    }

    @Test
    void aPluginsErrorJsonBecomesItsMessageAndDetailsOnOneLine() throws Exception {
        var error = JsonTrees.read("{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"failed to allocate\",\"details\":\"range\\nfull\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(PluginExec.errorMessage(error, new byte[0], new byte[0], 1))
                .isEqualTo("failed to allocate: range full (CNI error 11)");
        assertThat(PluginExec.errorMessage(null, "oops\n".getBytes(), "on stderr\n".getBytes(), 2)).isEqualTo("oops on stderr");
        assertThat(PluginExec.errorMessage(null, new byte[0], new byte[0], 2)).isEqualTo("it exited with 2 and printed nothing");
    }

    @Test
    void aResultsAddressesInsideThePodComeFirst() throws Exception {
        ObjectNode json = (ObjectNode) JsonTrees.read("""
                {"cniVersion":"1.0.0",
                 "interfaces":[{"name":"jrun0","mac":"aa"},{"name":"veth1","mac":"bb"},{"name":"eth0","mac":"cc","sandbox":"/x/net"}],
                 "ips":[{"address":"10.87.0.1/16","interface":0},{"address":"10.87.0.5/16","gateway":"10.87.0.1","interface":2}],
                 "dns":{"nameservers":["10.87.0.1"],"search":["pods.local"]}}""".getBytes(StandardCharsets.UTF_8));
        CniResult result = CniResult.parse(json);
        assertThat(result.addresses()).containsExactly("10.87.0.5/16", "10.87.0.1/16");
        assertThat(result.gateways().getFirst()).isEqualTo("10.87.0.1");
        assertThat(result.ip()).isEqualTo("10.87.0.5");
        assertThat(result.nameservers()).containsExactly("10.87.0.1");
        assertThat(result.search()).containsExactly("pods.local");
        assertThat(CniResult.parse(JsonTrees.object()).ip()).isNull();
    }
}
