package io.jrun.runtime.net.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What a network's last plugin returned from ADD (a CNI 1.0 result): the addresses, and the
 * DNS settings when a plugin gave any. The JSON itself is kept, as the cache and the next
 * plugin's {@code prevResult} need it whole.
 *
 * @param json       the result as the plugin printed it
 * @param addresses  its IP addresses in CIDR notation ({@code 10.87.0.2/16}), those inside the
 *                   pod's namespace first
 * @param gateways   the gateway of each address, or "" where it has none
 * @param nameservers DNS servers, if a plugin set {@code dns}
 * @param search     DNS search domains
 * @param options    resolver options
 */
public record CniResult(ObjectNode json, List<String> addresses, List<String> gateways, List<String> nameservers,
                        List<String> search, List<String> options) {
    public CniResult {
        addresses = List.copyOf(addresses);
        gateways = List.copyOf(gateways);
        nameservers = List.copyOf(nameservers);
        search = List.copyOf(search);
        options = List.copyOf(options);
    }

    /** Reads a 0.3+/1.0 result; fields a plugin did not set are empty. */
    public static CniResult parse(ObjectNode json) {
        List<JsonNode> interfaces = new ArrayList<>();
        json.path("interfaces").forEach(interfaces::add);
        List<String> inside = new ArrayList<>();
        List<String> insideGw = new ArrayList<>();
        List<String> other = new ArrayList<>();
        List<String> otherGw = new ArrayList<>();
        for (JsonNode ip : json.path("ips")) {
            String address = ip.path("address").asText("");
            if (address.isEmpty()) {
                continue;
            }
            int index = ip.path("interface").asInt(-1);
            boolean sandboxed = index >= 0 && index < interfaces.size()
                    && !interfaces.get(index).path("sandbox").asText("").isEmpty();
            (sandboxed ? inside : other).add(address);
            (sandboxed ? insideGw : otherGw).add(ip.path("gateway").asText(""));
        }
        inside.addAll(other);
        insideGw.addAll(otherGw);
        JsonNode dns = json.path("dns");
        return new CniResult(json, inside, insideGw, strings(dns.path("nameservers")), strings(dns.path("search")),
                strings(dns.path("options")));
    }

    /** The first address without its prefix length ({@code 10.87.0.2}), or null when there is none. */
    public String ip() {
        return addresses.isEmpty() ? null : addresses.getFirst().replaceFirst("/\\d+$", "");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> {
            if (n.isTextual() && !n.asText().isBlank()) {
                out.add(n.asText());
            }
        });
        return out;
    }
}
