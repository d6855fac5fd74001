package io.jrun.nativetests.security;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** An uncompressed layer tar, entry by entry, names kept exactly as given (hostile ones too). */
public final class TarLayer {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    public TarLayer() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    TarLayer file(String name, byte[] content, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(content.length);
        e.setMode(mode);
        return put(e, content);
    }

    TarLayer file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public TarLayer dir(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_DIR, true);
        e.setMode(0755);
        return put(e, new byte[0]);
    }

    TarLayer symlink(String name, String target) {
        return link(name, TarArchiveEntry.LF_SYMLINK, target);
    }

    TarLayer hardlink(String name, String target) {
        return link(name, TarArchiveEntry.LF_LINK, target);
    }

    /** A device node: tar type 'c' or 'b' with its numbers, as an image can ship one. */
    public TarLayer device(String name, char type, int major, int minor, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type == 'b' ? TarArchiveEntry.LF_BLK : TarArchiveEntry.LF_CHR, true);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        e.setMode(mode);
        return put(e, new byte[0]);
    }

    TarLayer fifo(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_FIFO, true);
        e.setMode(0644);
        return put(e, new byte[0]);
    }

    private TarLayer link(String name, byte type, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setLinkName(target);
        e.setMode(0777);
        return put(e, new byte[0]);
    }

    private TarLayer put(TarArchiveEntry e, byte[] content) {
        try {
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this;
    }

    public byte[] bytes() {
        try {
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
