package io.jrun.linux;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A reusable buffer for copying a stream into a file descriptor: Java reads into the heap
 * array, one copy moves it to native memory, and write(2) loops until all is written. Reuse
 * one per thread of work; close it to free the native memory.
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

    @Override
    public void close() {
        arena.close();
    }
}
