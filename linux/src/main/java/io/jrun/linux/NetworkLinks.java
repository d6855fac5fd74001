package io.jrun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * Network interfaces, through rtnetlink (what {@code ip link} speaks): one request on a
 * NETLINK_ROUTE socket, and the kernel's acknowledgement read back. A netlink socket belongs to
 * the network namespace of the thread that creates it, so a thread that has unshared
 * CLONE_NEWNET changes its own namespace's interfaces, nobody else's.
 */
public final class NetworkLinks {
    private NetworkLinks() {
    }

    private static final int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = OpenFlags.O_CLOEXEC, NETLINK_ROUTE = 0;
    private static final short RTM_NEWLINK = 16, NLMSG_ERROR = 2;
    private static final short NLM_F_REQUEST = 0x1, NLM_F_ACK = 0x4;
    private static final short IFLA_IFNAME = 3;
    /** struct ifinfomsg's ifi_flags bit: the administrative "up". */
    public static final int IFF_UP = 0x1;
    private static final int NLMSG_HEADER = 16, IFINFOMSG = 16, RTATTR_HEADER = 4, IFNAMSIZ = 16;
    private static final int REPLY = 8192;

    /**
     * Brings the interface {@code name} up ({@code ip link set NAME up}): RTM_NEWLINK with
     * IFF_UP in both ifi_flags and ifi_change, the interface found by its name (ifi_index 0 and
     * IFLA_IFNAME; an index with a name would rename it). Throws the kernel's error from its
     * acknowledgement, e.g. ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN.
     */
    public static void up(String name) throws ErrnoException {
        byte[] ifname = name.getBytes(StandardCharsets.US_ASCII);
        if (ifname.length == 0 || ifname.length >= IFNAMSIZ || name.indexOf('\0') >= 0) {
            throw new ErrnoException("RTM_NEWLINK", name, Errno.EINVAL);
        }
        int attribute = RTATTR_HEADER + ifname.length + 1;
        int length = NLMSG_HEADER + IFINFOMSG + align(attribute);
        int sequence = 1;
        try (Fd socket = new Fd((int) call("socket", null, NR.socket(), AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
             Arena arena = Arena.ofConfined()) {
            MemorySegment request = arena.allocate(length, 4); // zeroed: family AF_UNSPEC, index 0, padding
            request.set(ValueLayout.JAVA_INT, 0, length);                       // nlmsg_len
            request.set(ValueLayout.JAVA_SHORT, 4, RTM_NEWLINK);                // nlmsg_type
            request.set(ValueLayout.JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_ACK)); // nlmsg_flags
            request.set(ValueLayout.JAVA_INT, 8, sequence);                     // nlmsg_seq; nlmsg_pid 0: the kernel fills it
            request.set(ValueLayout.JAVA_INT, NLMSG_HEADER + 8, IFF_UP);        // ifi_flags
            request.set(ValueLayout.JAVA_INT, NLMSG_HEADER + 12, IFF_UP);       // ifi_change: only this bit
            long rta = NLMSG_HEADER + IFINFOMSG;
            request.set(ValueLayout.JAVA_SHORT, rta, (short) attribute);        // rta_len
            request.set(ValueLayout.JAVA_SHORT, rta + 2, IFLA_IFNAME);          // rta_type
            MemorySegment.copy(ifname, 0, request, ValueLayout.JAVA_BYTE, rta + RTATTR_HEADER, ifname.length);
            // no address: an unconnected netlink socket sends to the kernel (port 0)
            call("sendto", name, NR.sendto(), socket.value(), request.address(), length, 0, 0, 0);

            MemorySegment reply = arena.allocate(REPLY, 4);
            while (true) {
                long received = call("read", name, NR.read(), socket.value(), reply.address(), REPLY);
                for (long at = 0; at + NLMSG_HEADER <= received; ) {
                    int messageLength = reply.get(ValueLayout.JAVA_INT, at);
                    short type = reply.get(ValueLayout.JAVA_SHORT, at + 4);
                    int seq = reply.get(ValueLayout.JAVA_INT, at + 8);
                    if (messageLength < NLMSG_HEADER || at + messageLength > received) {
                        throw new ErrnoException("RTM_NEWLINK", name, Errno.EIO); // a truncated reply: cannot happen
                    }
                    if (type == NLMSG_ERROR && seq == sequence) {
                        int error = reply.get(ValueLayout.JAVA_INT, at + NLMSG_HEADER); // struct nlmsgerr's error: 0 or -errno
                        if (error != 0) {
                            throw new ErrnoException("RTM_NEWLINK", name, -error);
                        }
                        return;
                    }
                    at += align(messageLength);
                }
            }
        }
    }

    private static int align(int length) {
        return (length + 3) & ~3;
    }
}
