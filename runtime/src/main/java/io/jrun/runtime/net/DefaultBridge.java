package io.jrun.runtime.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * jrun's default bridge network, {@code --net=bridge}: the network configuration list
 * {@value #FILE} named {@code jrun}, written into the CNI config directory the first time a pod
 * asks for it (and never rewritten: an edited file is the user's). A bridge {@value #BRIDGE}
 * that is the pods' gateway and masquerades their traffic, host-local addresses from
 * {@value #SUBNET}, portmap for {@code -p}, and firewall so a FORWARD policy of DROP lets the
 * pods' traffic through. The subnet is outside every default of podman (10.88.0.0/16 for its
 * default network, 10.89.0.0/16 up to 10.255.255.0/24 for the networks it creates) and of
 * docker (172.17.0.0/16 up, 192.168.0.0/16).
 */
public final class DefaultBridge {
    public static final String FILE = "87-jrun-bridge.conflist";
    public static final String BRIDGE = "jrun0";
    public static final String SUBNET = "10.87.0.0/16";
    public static final String GATEWAY = "10.87.0.1";

    private DefaultBridge() {
    }

    /** The configuration list, in CNI 1.0.0. */
    static String conflist() {
        return """
                {
                  "cniVersion": "1.0.0",
                  "name": "%s",
                  "plugins": [
                    {
                      "type": "bridge",
                      "bridge": "%s",
                      "isGateway": true,
                      "ipMasq": true,
                      "hairpinMode": true,
                      "ipam": {
                        "type": "host-local",
                        "routes": [{"dst": "0.0.0.0/0"}],
                        "ranges": [[{"subnet": "%s", "gateway": "%s"}]]
                      }
                    },
                    {"type": "portmap", "capabilities": {"portMappings": true}},
                    {"type": "firewall"}
                  ]
                }
                """.formatted(io.jrun.runtime.prepare.Network.DEFAULT_BRIDGE, BRIDGE, SUBNET, GATEWAY);
    }

    /**
     * Writes the list into {@code configDir} unless a network named {@code jrun} is there
     * already; returns whether it wrote it. Two jruns doing it at once write the same bytes.
     */
    public static boolean ensure(Path configDir) throws IOException {
        if (io.jrun.runtime.net.cni.NetworkConfigList.find(configDir, io.jrun.runtime.prepare.Network.DEFAULT_BRIDGE)
                .isPresent()) {
            return false;
        }
        Files.createDirectories(configDir);
        Path temp = configDir.resolve("." + FILE + "." + ProcessHandle.current().pid());
        Files.writeString(temp, conflist(), StandardCharsets.UTF_8);
        try {
            Files.move(temp, configDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(temp);
        }
        return true;
    }
}
