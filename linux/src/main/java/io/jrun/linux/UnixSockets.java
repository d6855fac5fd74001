package io.jrun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * A stream connection to a Unix socket and a descriptor passed over it (SCM_RIGHTS), as the OCI
 * runtime's {@code --console-socket} wants: the JDK's channels cannot pass descriptors.
 */
public final class UnixSockets {
    private UnixSockets() {
    }

    private static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = OpenFlags.O_CLOEXEC;
    private static final int SUN_PATH = 108;
    private static final int SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_NOSIGNAL = 0x4000;

    /** Connects a new stream socket to the socket file at {@code path}. */
    public static Fd connect(String path) throws ErrnoException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length >= SUN_PATH) {
            throw new ErrnoException("connect", path, Errno.ENAMETOOLONG);
        }
        Fd socket = new Fd((int) call("socket", null, NR.socket(), AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(2 + SUN_PATH);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(name, 0, addr, ValueLayout.JAVA_BYTE, 2, name.length);
            call("connect", path, NR.connect(), socket.value(), addr.address(), 2 + name.length + 1);
            return socket;
        } catch (ErrnoException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends {@code data} (at least one byte) with the descriptor {@code fd} attached: the
     * receiver gets its own descriptor of the same open file.
     */
    public static void sendFd(int socket, byte[] data, int fd) throws ErrnoException {
        if (data.length == 0) {
            throw new IllegalArgumentException("a descriptor travels with at least one byte of data");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(data.length);
            MemorySegment.copy(data, 0, buffer, ValueLayout.JAVA_BYTE, 0, data.length);
            MemorySegment iov = arena.allocate(16, 8);                 // struct iovec
            iov.set(ValueLayout.JAVA_LONG, 0, buffer.address());
            iov.set(ValueLayout.JAVA_LONG, 8, data.length);
            MemorySegment control = arena.allocate(24, 8);             // CMSG_SPACE(sizeof(int))
            control.set(ValueLayout.JAVA_LONG, 0, 20);                 // cmsg_len = CMSG_LEN(4)
            control.set(ValueLayout.JAVA_INT, 8, SOL_SOCKET);
            control.set(ValueLayout.JAVA_INT, 12, SCM_RIGHTS);
            control.set(ValueLayout.JAVA_INT, 16, fd);
            MemorySegment msg = arena.allocate(56, 8);                 // struct msghdr
            msg.set(ValueLayout.JAVA_LONG, 16, iov.address());         // msg_iov
            msg.set(ValueLayout.JAVA_LONG, 24, 1);                     // msg_iovlen
            msg.set(ValueLayout.JAVA_LONG, 32, control.address());     // msg_control
            msg.set(ValueLayout.JAVA_LONG, 40, 24);                    // msg_controllen
            call("sendmsg", null, NR.sendmsg(), socket, msg.address(), MSG_NOSIGNAL);
        }
    }
}
