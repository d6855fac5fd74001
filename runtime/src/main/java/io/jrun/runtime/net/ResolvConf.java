package io.jrun.runtime.net;

import java.util.ArrayList;
import java.util.List;

/**
 * The /etc/resolv.conf of a pod on a CNI network: the DNS settings of the CNI result when a
 * plugin gave name servers; else the host's file with its loopback name servers (a local
 * resolver such as systemd-resolved's 127.0.0.53, unreachable from the pod's own namespace)
 * dropped, and public servers in their place when none remains, as docker does.
 */
public final class ResolvConf {
    private ResolvConf() {
    }

    /** The file for a pod attached as {@code attached}; {@code host} is the host's file, or null. */
    public static String forPod(PodNetwork.Attached attached, String host) {
        if (!attached.nameservers().isEmpty()) {
            StringBuilder b = new StringBuilder();
            if (!attached.search().isEmpty()) {
                b.append("search ").append(String.join(" ", attached.search())).append('\n');
            }
            attached.nameservers().forEach(s -> b.append("nameserver ").append(s).append('\n'));
            if (!attached.options().isEmpty()) {
                b.append("options ").append(String.join(" ", attached.options())).append('\n');
            }
            return b.toString();
        }
        return withoutLoopback(host == null ? "" : host);
    }

    /**
     * The host's file without its loopback name servers; when that leaves none, Google's and
     * Cloudflare's public servers, as podman and docker fall back to.
     */
    static String withoutLoopback(String host) {
        List<String> lines = new ArrayList<>();
        boolean server = false;
        for (String line : host.split("\n", -1)) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                if (isLoopback(words[1])) {
                    continue;
                }
                server = true;
            }
            lines.add(line);
        }
        String text = String.join("\n", lines).stripTrailing();
        text = text.isEmpty() ? "" : text + "\n";
        if (!server) {
            text += "nameserver 8.8.8.8\nnameserver 1.1.1.1\n";
        }
        return text;
    }

    private static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1");
    }
}
