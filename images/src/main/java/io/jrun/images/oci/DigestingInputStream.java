package io.jrun.images.oci;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Passes bytes through while hashing them and counting them. {@link #verify} compares what
 * went through with what a descriptor promised; callers must read to the end first.
 */
public final class DigestingInputStream extends FilterInputStream {
    private final MessageDigest messageDigest;
    private final String algorithm;
    private long count;

    public DigestingInputStream(InputStream in, String algorithm) {
        super(in);
        this.algorithm = algorithm;
        this.messageDigest = Digest.newMessageDigest(algorithm);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            messageDigest.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            messageDigest.update(buffer, offset, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads and hashes whatever is left, so the digest covers the whole stream. */
    public void drain() throws IOException {
        byte[] scratch = new byte[65536];
        while (read(scratch, 0, scratch.length) >= 0) {
            // hashing happens in read
        }
    }

    public long count() {
        return count;
    }

    /** The digest of the bytes read so far; call once, at the end. */
    public Digest digest() {
        return new Digest(algorithm, HexFormat.of().formatHex(messageDigest.digest()));
    }

    /**
     * Throws unless exactly {@code expectedSize} bytes (if >= 0) with digest {@code expected}
     * went through. {@code what} names the content in the error.
     */
    public void verify(Digest expected, long expectedSize, String what) throws IOException {
        if (expectedSize >= 0 && count != expectedSize) {
            throw new ContentMismatchException(what + " " + expected + ": expected " + expectedSize
                    + " bytes, got " + count);
        }
        Digest actual = digest();
        if (!actual.equals(expected)) {
            throw new ContentMismatchException(what + " " + expected + ": content has digest " + actual
                    + " (corrupt or tampered download)");
        }
    }
}
