package io.jrun.images.fetch;

import io.jrun.images.oci.Descriptor;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the compressed bytes of a layer for progress, and stops the stream once another
 * layer of the same fetch has failed, so a failed fetch ends promptly.
 */
final class ProgressInputStream extends FilterInputStream {
    private static final long REPORT_EVERY = 256 * 1024;
    private final Descriptor layer;
    private final FetchListener listener;
    private final AtomicBoolean cancelled;
    private long count;
    private long reported;

    ProgressInputStream(InputStream in, Descriptor layer, FetchListener listener, AtomicBoolean cancelled) {
        super(in);
        this.layer = layer;
        this.listener = listener;
        this.cancelled = cancelled;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (cancelled.get()) {
            throw new InterruptedIOException("fetch cancelled after another layer failed");
        }
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            count += n;
            if (count - reported >= REPORT_EVERY) {
                reported = count;
                listener.layerProgress(layer, count);
            }
        }
        return n;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads the rest of the blob: registry streams verify their digest only at the end. */
    void drain() throws IOException {
        byte[] scratch = new byte[65536];
        while (read(scratch, 0, scratch.length) >= 0) {
            // counting happens in read
        }
        listener.layerProgress(layer, count);
    }

    long count() {
        return count;
    }
}
