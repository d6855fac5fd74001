package io.jrun.images.registry;

import io.jrun.images.oci.ContentMismatchException;
import io.jrun.images.oci.Descriptor;
import io.jrun.images.oci.DigestingInputStream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.random.RandomGenerator;

/**
 * The bytes of one blob, resumed across broken connections and verified at the end.
 *
 * <p>When the body fails mid-way (an I/O error, or EOF before {@code descriptor.size()} bytes),
 * the stream reopens the blob with {@code Range: bytes=N-} and carries on; a registry that
 * ignores Range and answers 200 has its first N bytes skipped. It gives up after
 * {@link #MAX_RESUMES_WITHOUT_PROGRESS} reconnections in a row that bring no new byte, or
 * {@link #MAX_RESUMES} in all.
 *
 * <p>It never returns EOF for content that does not match the descriptor: more bytes than
 * promised fail at once, and at the end the size and digest are checked and a mismatch throws
 * {@link ContentMismatchException} (from then on, every read throws it again). One stream
 * belongs to one reader thread; several streams may run in parallel.
 */
final class BlobStream extends InputStream {
    // The raw, resuming byte source; open() wraps it in a DigestingInputStream that verifies.
    static final int MAX_RESUMES = 20;
    static final int MAX_RESUMES_WITHOUT_PROGRESS = 5;

    /** Opens the blob from {@code offset}; offset 0 means a plain GET without Range. */
    interface Opener {
        HttpResponse<InputStream> open(long offset) throws IOException;
    }

    private final Opener opener;
    private final Descriptor descriptor;
    private final String what;
    private final RetryPolicy retry;
    private final Transport.Sleeper sleeper;
    private final RandomGenerator random = RandomGenerator.getDefault();

    /** Volatile: the stall watchdog closes it from its own thread. */
    private volatile InputStream in;
    private volatile boolean reading;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean stalled;
    private ScheduledFuture<?> watch;
    private long position;
    private long positionAtLastResume;
    private int resumes;
    private int resumesWithoutProgress;
    private boolean complete;
    private volatile Duration idle = Duration.ZERO;
    private boolean closed;
    private IOException failure;

    private BlobStream(Opener opener, Descriptor descriptor, String what, RetryPolicy retry, Transport.Sleeper sleeper) {
        this.opener = opener;
        this.descriptor = descriptor;
        this.what = what;
        this.retry = retry;
        this.sleeper = sleeper;
    }

    /**
     * Opens the blob now, so that not-found and auth errors surface before the first read, and
     * returns its verified byte stream.
     */
    static InputStream open(Opener opener, Descriptor descriptor, String what, RetryPolicy retry, Transport.Sleeper sleeper,
                            StallGuard guard) throws IOException {
        BlobStream raw = new BlobStream(opener, descriptor, what, retry, sleeper);
        raw.connect();
        raw.watch = guard.watch(raw::checkStall);
        return new Verified(raw, descriptor, what);
    }

    /**
     * Hashes and counts what the resuming stream delivers and, instead of the first EOF, checks
     * size and digest; a mismatch is thrown now and on every later read.
     */
    private static final class Verified extends InputStream {
        private final BlobStream raw;
        private final DigestingInputStream digesting;
        private final Descriptor descriptor;
        private final String what;
        private boolean verified;
        private IOException failure;

        Verified(BlobStream raw, Descriptor descriptor, String what) {
            this.raw = raw;
            this.digesting = new DigestingInputStream(raw, descriptor.digest().algorithm());
            this.descriptor = descriptor;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (verified) {
                return -1;
            }
            int n;
            try {
                n = digesting.read(buffer, offset, length);
                if (n < 0) {
                    digesting.verify(descriptor.digest(), descriptor.size(), what);
                    verified = true;
                }
            } catch (IOException e) {
                failure = e;
                raw.close();
                throw e;
            }
            return n;
        }

        @Override
        public void close() {
            raw.close();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
        if (failure != null) {
            throw failure;
        }
        if (closed) {
            throw new IOException(what + " " + descriptor.digest() + ": stream closed");
        }
        if (complete) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        while (true) {
            int n;
            try {
                while (in == null) {
                    connect(); // opens, or resumes (bounded) and leaves in unset, or throws
                }
                // ask for one byte past the promised size, so overlong content shows up
                int ask = (int) Math.min(length, descriptor.size() - position + 1);
                reading = true;
                try {
                    n = in.read(buffer, offset, ask);
                } finally {
                    reading = false;
                }
            } catch (RegistryException | ContentMismatchException | InterruptedIOException e) {
                throw fail(e);
            } catch (IOException e) {
                resume(e);
                continue;
            }
            if (n > 0) {
                position += n;
                lastProgressNanos = System.nanoTime();
                if (position > descriptor.size()) {
                    throw fail(new ContentMismatchException(what + " " + descriptor.digest() + ": expected "
                            + descriptor.size() + " bytes, got more"));
                }
                return n;
            }
            if (n == 0) {
                continue;
            }
            if (position < descriptor.size()) {
                resume(new EOFException(stalled
                        ? "no data for " + (idle.toMillis() >= 1000 ? idle.toSeconds() + " s" : idle.toMillis() + " ms") + " after " + position + " of " + descriptor.size() + " bytes"
                        : "connection ended after " + position + " of " + descriptor.size() + " bytes"));
                continue;
            }
            closeQuietly();
            complete = true;
            stopWatch();
            return -1;
        }
    }

    private void connect() throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = opener.open(position);
        } catch (IOException e) {
            throw fail(e);
        }
        InputStream body = response.body();
        int status = response.statusCode();
        long remaining = descriptor.size() - position;
        try {
            if (status == 206) {
                long start = rangeStart(response.headers().firstValue("Content-Range").orElse(null));
                if (start != position) {
                    body.close();
                    throw fail(new RegistryException(RegistryException.Kind.PROTOCOL, "registry sent bytes from offset "
                            + start + " of " + what + " " + descriptor.digest() + " when asked for " + position
                            + ": report it to the registry's operator"));
                }
            } else if (status == 200) {
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (length >= 0 && length != descriptor.size()) {
                    body.close();
                    throw fail(new ContentMismatchException(what + " " + descriptor.digest() + ": expected "
                            + descriptor.size() + " bytes, registry announces " + length));
                }
                if (position > 0) {
                    skip(body, position); // the server ignored Range: drop what we already have
                }
                remaining = descriptor.size() - position;
            } else {
                body.close();
                throw fail(new RegistryException(RegistryException.Kind.PROTOCOL, "registry answered HTTP " + status
                        + " for " + what + " " + descriptor.digest() + ": report it to the registry's operator"));
            }
        } catch (RegistryException | ContentMismatchException e) {
            throw e;
        } catch (IOException e) {
            in = null; // broke while skipping: try again
            resume(e);
            return;
        }
        if (status == 206) {
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (length > remaining) {
                body.close();
                throw fail(new ContentMismatchException(what + " " + descriptor.digest() + ": expected "
                        + descriptor.size() + " bytes, registry announces more"));
            }
        }
        lastProgressNanos = System.nanoTime();
        in = body;
    }

    /** Skips {@code count} bytes of {@code body}, as progress the stall watchdog can see. */
    private void skip(InputStream body, long count) throws IOException {
        in = body;
        byte[] scratch = new byte[65536];
        long left = count;
        reading = true;
        try {
            while (left > 0) {
                int n = body.read(scratch, 0, (int) Math.min(scratch.length, left));
                if (n < 0) {
                    throw new EOFException("connection ended while skipping to byte " + count);
                }
                left -= n;
                lastProgressNanos = System.nanoTime();
            }
        } finally {
            reading = false;
            in = null;
        }
    }

    private void resume(IOException cause) throws IOException {
        closeQuietly();
        stalled = false;
        if (position > positionAtLastResume) {
            resumesWithoutProgress = 0;
        }
        positionAtLastResume = position;
        resumes++;
        resumesWithoutProgress++;
        if (resumes > MAX_RESUMES || resumesWithoutProgress > MAX_RESUMES_WITHOUT_PROGRESS) {
            throw fail(new RegistryException(RegistryException.Kind.NETWORK, "download of " + what + " "
                    + descriptor.digest() + " kept breaking (" + resumes + " reconnections, last at byte " + position
                    + " of " + descriptor.size() + ": " + cause.getMessage() + "): check the network and retry", cause));
        }
        Duration wait = retry.delay(resumesWithoutProgress, -1, random);
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(new InterruptedIOException("interrupted while resuming " + what));
        }
    }

    static long rangeStart(String contentRange) {
        // "bytes START-END/TOTAL"
        if (contentRange == null || !contentRange.startsWith("bytes ")) {
            return -1;
        }
        int dash = contentRange.indexOf('-');
        try {
            return dash < 0 ? -1 : Long.parseLong(contentRange.substring(6, dash).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private IOException fail(IOException e) {
        if (failure == null) {
            failure = e;
        }
        stopWatch();
        closeQuietly();
        return failure;
    }

    private void closeQuietly() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection is dropped instead
            }
            in = null;
        }
    }

    /**
     * Called by the {@link StallGuard} from its thread: a body read that has waited longer than
     * the idle timeout is cut, which makes the reader resume with a Range request. The JDK's
     * HttpClient has no timeout for body reads, so without this a stalled connection would hang
     * a pull forever.
     */
    void checkStall(Duration idleTimeout) {
        InputStream current = in;
        if (reading && current != null && System.nanoTime() - lastProgressNanos > idleTimeout.toNanos()) {
            stalled = true;
            idle = idleTimeout;
            try {
                current.close(); // wakes the blocked reader with EOF or an IOException
            } catch (IOException ignored) {
                // closed anyway
            }
        }
    }

    private void stopWatch() {
        ScheduledFuture<?> w = watch;
        if (w != null) {
            w.cancel(false);
        }
    }

    @Override
    public void close() {
        closed = true;
        stopWatch();
        closeQuietly();
    }

    long position() {
        return position;
    }
}
