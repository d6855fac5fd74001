package io.jrun.images.oci;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes content through and reports its end only after its size (when known, else -1) and
 * digest checked out; on a mismatch the final read throws instead of returning -1. So a
 * consumer that reads to the end never takes bad content for good.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final Digest digest;
    private final long size;
    private final String what;
    private boolean verified;

    public VerifyingInputStream(InputStream in, Digest digest, long size, String what) {
        super(new DigestingInputStream(in, digest.algorithm()));
        this.digest = digest;
        this.size = size;
        this.what = what;
    }

    public VerifyingInputStream(InputStream in, Descriptor descriptor) {
        this(in, descriptor.digest(), descriptor.size(), "blob");
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            verifyOnce();
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            verifyOnce();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        return in.skip(n);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void verifyOnce() throws IOException {
        if (!verified) {
            ((DigestingInputStream) in).verify(digest, size, what);
            verified = true;
        }
    }
}
