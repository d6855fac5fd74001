package io.jrun.images.fetch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Ends only after the underlying compressed stream was read to its end too: a decompressor
 * may stop before the blob's last bytes, and registry streams check the blob's digest only
 * when they reach them.
 */
final class DrainingInputStream extends FilterInputStream {
    private final ProgressInputStream compressed;
    private boolean drained;

    DrainingInputStream(InputStream decompressed, ProgressInputStream compressed) {
        super(decompressed);
        this.compressed = compressed;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n < 0 && !drained) {
            compressed.drain();
            drained = true;
        }
        return n;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            compressed.close();
        }
    }
}
