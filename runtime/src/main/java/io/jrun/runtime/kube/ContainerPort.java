package io.jrun.runtime.kube;

/**
 * One {@code ports} entry.
 *
 * @param name          the port's name (kept, unused by jrun), or null
 * @param containerPort the port the app listens on, 1-65535
 * @param hostPort      the host port published to it, or 0 when it is not published
 * @param protocol      TCP (Kubernetes' default), UDP or SCTP
 * @param hostIP        the host address the published port is bound to, or null for all
 */
public record ContainerPort(String name, int containerPort, int hostPort, Protocol protocol, String hostIP) {
    public enum Protocol { TCP, UDP, SCTP }

    public ContainerPort {
        protocol = protocol == null ? Protocol.TCP : protocol;
    }

    public boolean published() {
        return hostPort != 0;
    }
}
