package io.jrun.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * One datagram to a Unix socket, as sd_notify(3) sends to systemd's NOTIFY_SOCKET: the JDK's
 * DatagramChannel has no Unix domain sockets.
 */
public final class UnixDatagrams {
    private UnixDatagrams() {
    }

    private static final int AF_UNIX = 1, SOCK_DGRAM = 2, SOCK_CLOEXEC = OpenFlags.O_CLOEXEC;
    private static final int SUN_PATH = 108;

    /**
     * Sends {@code message} to {@code address}: a path, or an abstract name written with a
     * leading '@' (systemd's convention).
     */
    public static void send(String address, byte[] message) throws ErrnoException {
        byte[] name = address.getBytes(StandardCharsets.UTF_8);
        boolean isAbstract = name.length > 0 && name[0] == '@';
        if (name.length == 0 || name.length >= SUN_PATH) {
            throw new ErrnoException("sendto", address, Errno.EINVAL);
        }
        try (Fd socket = new Fd((int) call("socket", null, NR.socket(), AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
             var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(2 + SUN_PATH);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            for (int i = 0; i < name.length; i++) {
                addr.set(ValueLayout.JAVA_BYTE, 2 + i, isAbstract && i == 0 ? 0 : name[i]);
            }
            long length = 2 + name.length + (isAbstract ? 0 : 1);
            MemorySegment data = arena.allocate(Math.max(1, message.length));
            MemorySegment.copy(message, 0, data, ValueLayout.JAVA_BYTE, 0, message.length);
            call("sendto", address, NR.sendto(), socket.value(), data.address(), message.length,
                    0x4000 /* MSG_NOSIGNAL */, addr.address(), length);
        }
    }
}
