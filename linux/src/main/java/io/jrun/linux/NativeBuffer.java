package io.jrun.linux;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A reusable buffer for copying into a file descriptor: from a stream (Java reads into the heap
 * array, one copy moves it to native memory, and write(2) loops until all is written), or from
 * another descriptor with {@link #read} and {@link #write}, which never leave native memory.
 * Confined to the thread that creates it: one per thread of work; close it to free the memory.
 */
public final class NativeBuffer implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final byte[] heap;
    private final MemorySegment memory;

    public NativeBuffer(int capacity) {
        this.heap = new byte[capacity];
        this.memory = arena.allocate(capacity, 64);
    }

    /**
     * Copies exactly {@code length} bytes from {@code in} to {@code fd}; fails with an
     * EOFException-like IOException if the stream ends early. Returns the bytes copied.
     */
    public long copy(InputStream in, int fd, long length) throws IOException {
        long remaining = length;
        while (remaining > 0) {
            int n = in.read(heap, 0, (int) Math.min(heap.length, remaining));
            if (n < 0) {
                throw new java.io.EOFException("stream ended " + remaining + " bytes before the expected "
                        + length + " bytes");
            }
            MemorySegment.copy(heap, 0, memory, ValueLayout.JAVA_BYTE, 0, n);
            FileSyscalls.writeFully(fd, memory, n);
            remaining -= n;
        }
        return length;
    }

    /**
     * One read(2) from {@code fd} into the buffer, retried on EINTR; returns the number of bytes
     * read, 0 at the end of input. A pseudo-terminal master fails with EIO once no slave
     * descriptor is open any more.
     */
    public int read(int fd) throws ErrnoException {
        return (int) Syscall.call("read", null, Syscall.NR.read(), fd, memory.address(), memory.byteSize());
    }

    /** Writes the first {@code length} bytes of the buffer (from {@link #read}) to {@code fd}, all of them. */
    public void write(int fd, int length) throws ErrnoException {
        if (length < 0 || length > memory.byteSize()) {
            throw new IllegalArgumentException("cannot write " + length + " bytes of a " + memory.byteSize() + "-byte buffer");
        }
        FileSyscalls.writeFully(fd, memory, length);
    }

    @Override
    public void close() {
        arena.close();
    }
}
