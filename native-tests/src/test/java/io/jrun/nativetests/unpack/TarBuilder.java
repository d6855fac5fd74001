package io.jrun.nativetests.unpack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Crafts layer tars in memory, PAX for long names, big ids and xattrs. */
final class TarBuilder {
    static final Instant MTIME = Instant.ofEpochSecond(1_700_000_000L, 250_000_000);

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    TarBuilder() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    private static TarArchiveEntry entry(String name, byte type) {
        // preserveAbsolutePath: keep "/abs" as written, as a hostile tool would.
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setLastModifiedTime(FileTime.from(MTIME));
        return e;
    }

    private TarBuilder put(TarArchiveEntry e, byte[] content) {
        try {
            tar.putArchiveEntry(e);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
            return this;
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    TarBuilder dir(String name, int mode, int uid, int gid) {
        TarArchiveEntry e = entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR);
        e.setMode(mode);
        e.setUserId(uid);
        e.setGroupId(gid);
        return put(e, null);
    }

    TarBuilder dir(String name, int mode, int uid, int gid, Instant mtime) {
        TarArchiveEntry e = entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR);
        e.setMode(mode);
        e.setUserId(uid);
        e.setGroupId(gid);
        e.setLastModifiedTime(FileTime.from(mtime));
        return put(e, null);
    }

    TarBuilder file(String name, String content) {
        return file(name, content, 0644, 0, 0, Map.of());
    }

    TarBuilder file(String name, String content, int mode, int uid, int gid, Map<String, String> paxHeaders) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL);
        e.setMode(mode);
        e.setUserId(uid);
        e.setGroupId(gid);
        e.setSize(data.length);
        paxHeaders.forEach(e::addPaxHeader);
        return put(e, data);
    }

    TarBuilder file(String name, byte[] data) {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL);
        e.setMode(0644);
        e.setSize(data.length);
        return put(e, data);
    }

    TarBuilder symlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK);
        e.setMode(0777);
        e.setLinkName(target);
        return put(e, null);
    }

    TarBuilder hardlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_LINK);
        e.setMode(0644);
        e.setLinkName(target);
        return put(e, null);
    }

    TarBuilder device(String name, byte type, int major, int minor, int mode) {
        TarArchiveEntry e = entry(name, type);
        e.setMode(mode);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        return put(e, null);
    }

    byte[] build() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return bytes.toByteArray();
    }
}
