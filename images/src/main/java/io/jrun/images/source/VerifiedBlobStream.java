package io.jrun.images.source;

import io.jrun.images.oci.Descriptor;
import io.jrun.images.oci.DigestingInputStream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Wraps a local blob so that its end is only reported after its size and digest checked out. */
final class VerifiedBlobStream extends FilterInputStream {
    private final Descriptor descriptor;
    private boolean verified;

    VerifiedBlobStream(InputStream in, Descriptor descriptor) {
        super(new DigestingInputStream(in, descriptor.digest().algorithm()));
        this.descriptor = descriptor;
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
    public boolean markSupported() {
        return false;
    }

    private void verifyOnce() throws IOException {
        if (!verified) {
            ((DigestingInputStream) in).verify(descriptor.digest(), descriptor.size(), "blob");
            verified = true;
        }
    }
}
