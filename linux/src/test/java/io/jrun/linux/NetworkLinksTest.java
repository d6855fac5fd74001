package io.jrun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * rtnetlink against the real kernel, as root, always in a network namespace of a throw-away
 * thread's own (the host's interfaces are never touched): loopback starts down in a new
 * namespace, and {@link NetworkLinks#up} brings it up there and only there.
 */
class NetworkLinksTest {

    @Test
    void loopbackOfANewNetworkNamespaceComesUpAndCarriesAConnection() throws Exception {
        String hostNamespace = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        String[] result = Throwaway.run(() -> {
            Namespaces.unshare(Namespaces.CLONE_NEWNET);
            String namespace = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
            // sockets the JDK opens on this thread are in its namespace
            String before = connectToItself();
            NetworkLinks.up("lo");
            String after = connectToItself();
            NetworkLinks.up("lo"); // again: already up is no error
            return new String[] {namespace, before, after};
        });
        assertThat(result[0]).startsWith("net:[").isNotEqualTo(hostNamespace);
        assertThat(result[1]).as("loopback down in a new namespace").isEqualTo("Network is unreachable");
        assertThat(result[2]).as("loopback up").isEqualTo("connected");
    }

    @Test
    void anUnknownInterfaceIsTheKernelsEnodev() throws Exception {
        ErrnoException failure = Throwaway.run(() -> {
            Namespaces.unshare(Namespaces.CLONE_NEWNET);
            try {
                NetworkLinks.up("jrun-none0");
                return null;
            } catch (ErrnoException e) {
                return e;
            }
        });
        assertThat(failure).isNotNull();
        assertThat(failure.errno()).isEqualTo(Errno.ENODEV);
        assertThat(failure.getMessage()).isEqualTo("RTM_NEWLINK \"jrun-none0\": No such device (ENODEV)");
        assertThatThrownBy(() -> NetworkLinks.up("a-name-too-long-for-ifnamsiz"))
                .isInstanceOf(ErrnoException.class).hasMessageContaining("EINVAL");
    }

    /** A listener on 127.0.0.1 and a client connecting to it, on this thread: "connected" or the error. */
    private static String connectToItself() throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        try (ServerSocket server = new ServerSocket(0, 1, loopback); Socket client = new Socket()) {
            client.connect(new InetSocketAddress(loopback, server.getLocalPort()), 10_000);
            return "connected";
        } catch (ConnectException | java.net.NoRouteToHostException e) {
            return e.getMessage();
        } catch (SocketException e) {
            return e.getMessage();
        }
    }
}
