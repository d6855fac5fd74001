package io.jrun.linux;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * Random (version 4) UUIDs from the kernel's /dev/urandom. {@link UUID#randomUUID()} is the
 * same thing, but its first use initialises the JDK's security providers and SecureRandom:
 * about 17 ms of a cold {@code jrun run}, which names a pod and its temporary files with them.
 */
public final class Uuids {
    private Uuids() {
    }

    public static UUID random() {
        byte[] b = new byte[16];
        try (InputStream in = new FileInputStream("/dev/urandom")) {
            if (in.readNBytes(b, 0, 16) != 16) {
                throw new IOException("short read");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /dev/urandom: " + e.getMessage(), e);
        }
        b[6] = (byte) (b[6] & 0x0f | 0x40); // version 4
        b[8] = (byte) (b[8] & 0x3f | 0x80); // IETF variant
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = msb << 8 | b[i] & 0xff;
            lsb = lsb << 8 | b[i + 8] & 0xff;
        }
        return new UUID(msb, lsb);
    }
}
