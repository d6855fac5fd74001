package io.jrun.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * Resource limits of another process, prlimit(2): limits belong to a whole process (every
 * thread shares them), so jrun never sets its own for a container; it sets the gated child's.
 */
public final class ResourceLimits {
    private ResourceLimits() {
    }

    /** The RLIMIT_* names by number: the same generic numbering on x86_64 and aarch64. */
    private static final List<String> NAMES = List.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
            "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
            "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    /** -1 as an unsigned 64-bit limit: RLIM_INFINITY. */
    public static final long INFINITY = -1L;

    /** The resource's number for an {@code RLIMIT_*} name, or -1 when there is none. */
    public static int resource(String name) {
        return NAMES.indexOf(name);
    }

    /** The {@code RLIMIT_*} names this kernel interface knows. */
    public static List<String> names() {
        return NAMES;
    }

    /** A limit pair: soft, then hard (unsigned; {@link #INFINITY} for none). */
    public record Limit(long soft, long hard) {
    }

    /** Sets process {@code pid}'s limit {@code resource} and returns the old one. */
    public static Limit set(long pid, int resource, long soft, long hard) throws ErrnoException {
        MemorySegment buffers = Syscall.scratch().memory.asSlice(Syscall.Scratch.STRUCT, 32);
        buffers.set(ValueLayout.JAVA_LONG, 0, soft);
        buffers.set(ValueLayout.JAVA_LONG, 8, hard);
        call("prlimit64", NAMES.get(resource), NR.prlimit64(), pid, resource, buffers.address(), buffers.address() + 16);
        return new Limit(buffers.get(ValueLayout.JAVA_LONG, 16), buffers.get(ValueLayout.JAVA_LONG, 24));
    }

    /** Process {@code pid}'s limit {@code resource}. */
    public static Limit get(long pid, int resource) throws ErrnoException {
        MemorySegment buffer = Syscall.scratch().memory.asSlice(Syscall.Scratch.STRUCT, 16);
        call("prlimit64", NAMES.get(resource), NR.prlimit64(), pid, resource, 0, buffer.address());
        return new Limit(buffer.get(ValueLayout.JAVA_LONG, 0), buffer.get(ValueLayout.JAVA_LONG, 8));
    }
}
