package io.jrun.images.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a source on a thread of its own, a few chunks ahead of the consumer. A layer fetch
 * splits into two stages of about equal cost, download + decompress + hash and tar parsing +
 * file creation; running them on two cores instead of one almost halves a big layer's time.
 * A failure of the source (including a digest mismatch at its end) is thrown to the consumer
 * at the point it reaches it.
 */
final class ReadAheadInputStream extends InputStream {
    private static final int CHUNK = 256 * 1024;
    private static final int DEPTH = 8;

    /** A chunk of bytes, the end of the stream, or the failure that ended it. */
    private record Chunk(byte[] data, int length, Throwable failure) {
        static final Chunk END = new Chunk(null, -1, null);
    }

    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(DEPTH);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH + 2);
    private final Thread producer;
    private Chunk current;
    private int position;
    private boolean ended;

    ReadAheadInputStream(InputStream source, String threadName) {
        producer = Thread.ofPlatform().daemon().name(threadName).unstarted(() -> produce(source));
        producer.start();
    }

    private void produce(InputStream source) {
        try (source) {
            while (true) {
                byte[] buffer = free.poll();
                if (buffer == null) {
                    buffer = new byte[CHUNK];
                }
                int filled = 0;
                int n = 0;
                while (filled < CHUNK && (n = source.read(buffer, filled, CHUNK - filled)) > 0) {
                    filled += n;
                }
                if (filled > 0) {
                    queue.put(new Chunk(buffer, filled, null));
                }
                if (n < 0) {
                    queue.put(Chunk.END);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // the consumer closed the stream
        } catch (Throwable t) {
            try {
                queue.put(new Chunk(null, -1, t));
            } catch (InterruptedException ignored) {
                // the consumer closed the stream
            }
        }
    }

    private boolean ensureChunk() throws IOException {
        if (ended) {
            return false;
        }
        if (current != null && position < current.length()) {
            return true;
        }
        if (current != null) {
            free.offer(current.data());
            current = null;
        }
        Chunk next;
        try {
            next = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a layer");
        }
        if (next.failure() != null) {
            ended = true;
            if (next.failure() instanceof IOException io) {
                throw io;
            }
            throw new IOException(next.failure().getMessage(), next.failure());
        }
        if (next == Chunk.END) {
            ended = true;
            return false;
        }
        current = next;
        position = 0;
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!ensureChunk()) {
            return -1;
        }
        return current.data()[position++] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!ensureChunk()) {
            return -1;
        }
        int n = Math.min(length, current.length() - position);
        System.arraycopy(current.data(), position, buffer, offset, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        ended = true;
        producer.interrupt();
        queue.clear();
    }
}
