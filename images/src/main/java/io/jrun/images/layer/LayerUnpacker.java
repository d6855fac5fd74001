package io.jrun.images.layer;

import static io.jrun.linux.AtFlags.AT_EMPTY_PATH;
import static io.jrun.linux.AtFlags.AT_FDCWD;
import static io.jrun.linux.AtFlags.AT_REMOVEDIR;
import static io.jrun.linux.AtFlags.AT_SYMLINK_NOFOLLOW;
import static io.jrun.linux.OpenFlags.O_CLOEXEC;
import static io.jrun.linux.OpenFlags.O_CREAT;
import static io.jrun.linux.OpenFlags.O_DIRECTORY;
import static io.jrun.linux.OpenFlags.O_EXCL;
import static io.jrun.linux.OpenFlags.O_NOFOLLOW;
import static io.jrun.linux.OpenFlags.O_PATH;
import static io.jrun.linux.OpenFlags.O_RDONLY;
import static io.jrun.linux.OpenFlags.O_WRONLY;
import static io.jrun.linux.ResolveFlags.RESOLVE_BENEATH;
import static io.jrun.linux.ResolveFlags.RESOLVE_NO_MAGICLINKS;

import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.NativeBuffer;
import io.jrun.linux.Stat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts a layer tar into a directory in the form overlayfs reads: whiteouts become 0/0
 * character devices and opaque markers the {@code trusted.overlay.opaque} xattr.
 *
 * <p>Safety: the root is opened once; each entry's parent directory is resolved with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) from it, and the final component is
 * handled with *at calls that never follow it. So no symlink in the layer, absolute or
 * relative, can make the unpacker write outside the root; absolute names, ".." components,
 * escaping hardlinks and overlay xattrs are refused with an {@link UnsafeLayerException}.
 */
public final class LayerUnpacker {

    public LayerUnpacker() {
    }

    /**
     * Extracts an uncompressed tar stream into root (an existing, empty directory) in overlayfs
     * form. Reads until the tar's end-of-archive; does not close {@code tar}. No fsync: callers
     * syncfs once.
     */
    public UnpackStats unpack(InputStream tar, Path root) throws IOException {
        try (Fd rootFd = FileSyscalls.openat(AT_FDCWD, root.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
             Extraction extraction = new Extraction(rootFd.value())) {
            return extraction.run(new TarArchiveInputStream(new NonClosing(tar)));
        }
    }

    /** One unpack: the root fd, a small cache of parent fds and the directory times to apply last. */
    private static final class Extraction implements AutoCloseable {
        private static final long RESOLVE = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
        private static final int DIR_FLAGS = O_PATH | O_DIRECTORY | O_CLOEXEC;
        private static final int CACHED_PARENTS = 16;
        private static final byte[] OPAQUE = {'y'};

        private final int rootFd;
        private final NativeBuffer buffer = new NativeBuffer(256 * 1024);
        /** Parent directory fds by path beneath root, least recently used first. */
        private final LinkedHashMap<String, Fd> parents = new LinkedHashMap<>(32, 0.75f, true);
        /** Fds evicted or invalidated while an entry may still use them: closed after it. */
        private final List<Fd> retired = new ArrayList<>();
        /** Directory times, applied at the end because creating children changes them. */
        private final Map<String, Instant[]> directoryTimes = new LinkedHashMap<>();
        private long entries;
        private long regularFileBytes;

        Extraction(int rootFd) {
            this.rootFd = rootFd;
        }

        UnpackStats run(TarArchiveInputStream in) throws IOException {
            TarArchiveEntry entry;
            String previous = null;
            while ((entry = nextEntry(in, previous)) != null) {
                if (entry.isGlobalPaxHeader()) {
                    continue;
                }
                entries++;
                String name = entry.getName();
                try {
                    apply(entry, name, in);
                } catch (UnsafeLayerException e) {
                    throw e;
                } catch (IOException e) {
                    String prefix = "layer entry '" + UnsafeLayerException.printable(name) + "': ";
                    if (e.getMessage() != null && e.getMessage().startsWith(prefix)) {
                        throw e;
                    }
                    // system call failures, and a tar (or its compression) that ends or breaks in this entry
                    throw new IOException(prefix + (e instanceof ErrnoException ? "" : "cannot read its content: ")
                            + e.getMessage(), e);
                } finally {
                    closeRetired();
                }
                previous = name;
            }
            applyDirectoryTimes();
            return new UnpackStats(entries, regularFileBytes);
        }

        /** The next entry; a corrupt header becomes one line saying where the tar broke. */
        private static TarArchiveEntry nextEntry(TarArchiveInputStream in, String previous) throws IOException {
            try {
                return in.getNextEntry();
            } catch (UnsafeLayerException e) {
                throw e;
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException("layer tar is corrupt " + (previous == null ? "at its start"
                        : "after entry '" + UnsafeLayerException.printable(previous) + "'") + ": " + e.getMessage(), e);
            }
        }

        private void apply(TarArchiveEntry entry, String name, InputStream in) throws IOException {
            EntryPath path = EntryPath.parse(name, name, "path");
            String base = path.base();
            if (base.startsWith(".wh.")) {
                whiteout(entry, name, path);
                return;
            }
            if (path.isRoot()) {
                if (!entry.isDirectory()) {
                    throw new UnsafeLayerException(name, "only a directory may name the layer root");
                }
                List<Xattr> xattrs = xattrs(entry, name);
                FileSyscalls.fchownat(rootFd, "", entry.getLongUserId(), entry.getLongGroupId(),
                        AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
                for (Xattr x : xattrs) {
                    FileSyscalls.setxattrAt(rootFd, "", x.name(), x.value());
                }
                // fchmodat has no AT_EMPTY_PATH before fchmodat2 (6.6): go through our own fd.
                FileSyscalls.fchmodat(AT_FDCWD, "/proc/self/fd/" + rootFd, permissions(entry));
                directoryTimes.put("", times(entry));
                return;
            }
            List<Xattr> xattrs = xattrs(entry, name);
            int dir = parent(path.parent(), name, "parent directory");
            if (entry.isDirectory()) {
                directory(entry, dir, base, xattrs);
                directoryTimes.put(path.full(), times(entry));
            } else if (entry.isSymbolicLink()) {
                String target = entry.getLinkName();
                if (target.indexOf('\0') >= 0) {
                    throw new UnsafeLayerException(name, "symlink target contains a NUL byte");
                }
                while (true) {
                    try {
                        FileSyscalls.symlinkat(target, dir, base);
                        break;
                    } catch (ErrnoException e) {
                        replaceOrThrow(e, dir, base);
                    }
                }
                FileSyscalls.fchownat(dir, base, entry.getLongUserId(), entry.getLongGroupId(), AT_SYMLINK_NOFOLLOW);
                for (Xattr x : xattrs) {
                    FileSyscalls.setxattrAt(dir, base, x.name(), x.value());
                }
                Instant[] t = times(entry);
                FileSyscalls.utimensat(dir, base, t[0], t[1], AT_SYMLINK_NOFOLLOW);
            } else if (entry.isLink()) {
                hardlink(entry, name, path, dir);
            } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                int type = entry.isCharacterDevice() ? FileTypes.S_IFCHR
                        : entry.isBlockDevice() ? FileTypes.S_IFBLK : FileTypes.S_IFIFO;
                long device = type == FileTypes.S_IFIFO ? 0 : FileTypes.makedev(entry.getDevMajor(), entry.getDevMinor());
                while (true) {
                    try {
                        FileSyscalls.mknodat(dir, base, type | 0600, device);
                        break;
                    } catch (ErrnoException e) {
                        replaceOrThrow(e, dir, base);
                    }
                }
                metadata(entry, dir, base, xattrs);
                Instant[] t = times(entry);
                FileSyscalls.utimensat(dir, base, t[0], t[1], AT_SYMLINK_NOFOLLOW);
            } else if (entry.isFile()) {
                regularFile(entry, in, dir, base, xattrs);
            } else {
                throw new UnsafeLayerException(name, "unsupported tar entry type");
            }
        }

        private void regularFile(TarArchiveEntry entry, InputStream in, int dir, String base, List<Xattr> xattrs)
                throws IOException {
            try (Fd file = createFile(dir, base)) {
                int fd = file.value();
                regularFileBytes += buffer.copy(in, fd, entry.getRealSize());
                // chown clears setuid/setgid and security.capability: chown, then xattrs, then chmod.
                FileSyscalls.fchown(fd, entry.getLongUserId(), entry.getLongGroupId());
                for (Xattr x : xattrs) {
                    FileSyscalls.fsetxattr(fd, x.name(), x.value());
                }
                FileSyscalls.fchmod(fd, permissions(entry));
                Instant[] t = times(entry);
                FileSyscalls.utimensat(fd, null, t[0], t[1], 0);
            }
        }

        private Fd createFile(int dir, String base) throws ErrnoException {
            while (true) {
                try {
                    // O_EXCL|O_NOFOLLOW: never opens, let alone truncates, anything already there
                    return FileSyscalls.openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                } catch (ErrnoException e) {
                    replaceOrThrow(e, dir, base);
                }
            }
        }

        private void directory(TarArchiveEntry entry, int dir, String base, List<Xattr> xattrs) throws IOException {
            try {
                FileSyscalls.mkdirat(dir, base, 0700);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
                Stat existing = FileSyscalls.statx(dir, base, AT_SYMLINK_NOFOLLOW);
                if (!existing.isDirectory()) {   // dir over dir only updates metadata
                    remove(dir, base, existing);
                    FileSyscalls.mkdirat(dir, base, 0700);
                }
            }
            metadata(entry, dir, base, xattrs);
        }

        /** Owner, xattrs, then mode (chown clears setuid) of a just-created non-symlink. */
        private static void metadata(TarArchiveEntry entry, int dir, String base, List<Xattr> xattrs) throws IOException {
            FileSyscalls.fchownat(dir, base, entry.getLongUserId(), entry.getLongGroupId(), AT_SYMLINK_NOFOLLOW);
            for (Xattr x : xattrs) {
                FileSyscalls.setxattrAt(dir, base, x.name(), x.value());
            }
            // fchmodat follows a final symlink; base was just created by us and is none.
            FileSyscalls.fchmodat(dir, base, permissions(entry));
        }

        private void hardlink(TarArchiveEntry entry, String name, EntryPath path, int dir) throws IOException {
            EntryPath target = EntryPath.parse(entry.getLinkName(), name, "hardlink target");
            if (target.isRoot()) {
                throw new UnsafeLayerException(name, "hardlink target '" + entry.getLinkName() + "' is the layer root");
            }
            if (target.equals(path)) {
                return; // a link to itself: already there
            }
            int targetDir = parent(target.parent(), name, "hardlink target directory");
            while (true) {
                try {
                    // flags 0: a symlink at the target is linked itself, never followed
                    FileSyscalls.linkat(targetDir, target.base(), dir, path.base(), 0);
                    return;
                } catch (ErrnoException e) {
                    if (e.errno() == Errno.ENOENT) {
                        throw new IOException("layer entry '" + UnsafeLayerException.printable(name)
                                + "': hardlink target '" + entry.getLinkName() + "' is not in the layer");
                    }
                    replaceOrThrow(e, dir, path.base());
                    targetDir = parent(target.parent(), name, "hardlink target directory");
                }
            }
        }

        private void whiteout(TarArchiveEntry entry, String name, EntryPath path) throws IOException {
            String base = path.base();
            if (entry.isDirectory()) {
                throw new UnsafeLayerException(name, "whiteout '" + base + "' is a directory");
            }
            if (base.equals(".wh..wh..opq")) {
                int dir = parent(path.parent(), name, "opaque directory");
                FileSyscalls.setxattrAt(dir, "", "trusted.overlay.opaque", OPAQUE);
                return;
            }
            if (base.startsWith(".wh..wh.")) {
                throw new UnsafeLayerException(name, "'" + base + "' is AUFS metadata, not a whiteout");
            }
            String hidden = base.substring(".wh.".length());
            if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                throw new UnsafeLayerException(name, "whiteout names '" + hidden + "', which is not a file name");
            }
            int dir = parent(path.parent(), name, "parent directory");
            while (true) {
                try {
                    // overlayfs reads a 0/0 character device as "deleted in this layer"
                    FileSyscalls.mknodat(dir, hidden, FileTypes.S_IFCHR, FileTypes.makedev(0, 0));
                    return;
                } catch (ErrnoException e) {
                    replaceOrThrow(e, dir, hidden);
                }
            }
        }

        /** On EEXIST removes what is at dir/base (recursively for a directory); rethrows anything else. */
        private void replaceOrThrow(ErrnoException e, int dir, String base) throws ErrnoException {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
            remove(dir, base, FileSyscalls.statx(dir, base, AT_SYMLINK_NOFOLLOW));
        }

        private void remove(int dir, String base, Stat existing) throws ErrnoException {
            if (existing.isDirectory()) {
                removeTree(dir, base);
            } else {
                FileSyscalls.unlinkat(dir, base, 0);
            }
            // Cached parents may be the removed directory, beneath it, or reached through a
            // replaced symlink: forget them all (rare: only when an entry replaces another).
            retired.addAll(parents.values());
            parents.clear();
        }

        /** Removes dir/base and everything in it, never following a symlink. */
        private static void removeTree(int dir, String base) throws ErrnoException {
            try (Fd d = FileSyscalls.openat(dir, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)) {
                for (FileSyscalls.DirectoryEntry child : FileSyscalls.listDirectory(d.value())) {
                    boolean isDirectory = child.type() == FileSyscalls.DirectoryEntry.DT_DIR
                            || (child.type() == FileSyscalls.DirectoryEntry.DT_UNKNOWN
                                && FileSyscalls.statx(d.value(), child.name(), AT_SYMLINK_NOFOLLOW).isDirectory());
                    if (isDirectory) {
                        removeTree(d.value(), child.name());
                    } else {
                        FileSyscalls.unlinkat(d.value(), child.name(), 0);
                    }
                }
            }
            FileSyscalls.unlinkat(dir, base, AT_REMOVEDIR);
        }

        /**
         * The fd of directory {@code path} beneath root, creating missing directories (0755,
         * root-owned). Resolution never leaves root: EXDEV and ELOOP become refusals.
         */
        private int parent(String path, String name, String role) throws IOException {
            if (path.isEmpty()) {
                return rootFd;
            }
            Fd cached = parents.get(path);
            if (cached != null) {
                return cached.value();
            }
            Fd fd;
            try {
                fd = FileSyscalls.openat2(rootFd, path, DIR_FLAGS, 0, RESOLVE);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOENT) {
                    throw refusal(e, path, name, role);
                }
                fd = create(path, name, role);
            }
            parents.put(path, fd);
            if (parents.size() > CACHED_PARENTS) {
                Iterator<Fd> eldest = parents.values().iterator();
                retired.add(eldest.next());
                eldest.remove();
            }
            return fd.value();
        }

        private Fd create(String path, String name, String role) throws IOException {
            int slash = path.lastIndexOf('/');
            int above = parent(slash < 0 ? "" : path.substring(0, slash), name, role);
            String last = path.substring(slash + 1);
            try {
                FileSyscalls.mkdirat(above, last, 0755);
                FileSyscalls.fchmodat(above, last, 0755); // mkdir obeys the umask
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
            }
            try {
                return FileSyscalls.openat2(rootFd, path, DIR_FLAGS, 0, RESOLVE);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ENOENT) {
                    throw new IOException("layer entry '" + UnsafeLayerException.printable(name) + "': " + role
                            + " '" + path + "' is a symlink to a missing directory");
                }
                throw refusal(e, path, name, role);
            }
        }

        private static IOException refusal(ErrnoException e, String path, String name, String role) {
            return switch (e.errno()) {
                case Errno.EXDEV -> new UnsafeLayerException(name,
                        role + " '" + path + "' leads outside the layer root (through a symlink)");
                case Errno.ELOOP -> new UnsafeLayerException(name,
                        role + " '" + path + "' goes through a symlink loop or a magic link");
                case Errno.ENOTDIR -> new IOException("layer entry '" + UnsafeLayerException.printable(name)
                        + "': " + role + " '" + path + "' is not a directory");
                default -> new IOException("layer entry '" + UnsafeLayerException.printable(name) + "': " + e.getMessage(), e);
            };
        }

        private void applyDirectoryTimes() throws IOException {
            for (Map.Entry<String, Instant[]> d : directoryTimes.entrySet()) {
                String path = d.getKey();
                Instant[] t = d.getValue();
                if (path.isEmpty()) {
                    FileSyscalls.utimensat(rootFd, "", t[0], t[1], AT_EMPTY_PATH);
                    continue;
                }
                Fd fd;
                try {
                    fd = FileSyscalls.openat2(rootFd, path, DIR_FLAGS | O_NOFOLLOW, 0, RESOLVE);
                } catch (ErrnoException e) {
                    continue; // replaced by a later entry or removed: its times are not ours
                }
                try (fd) {
                    FileSyscalls.utimensat(fd.value(), "", t[0], t[1], AT_EMPTY_PATH);
                }
            }
        }

        private void closeRetired() throws ErrnoException {
            for (Fd fd : retired) {
                fd.close();
            }
            retired.clear();
        }

        @Override
        public void close() throws ErrnoException {
            buffer.close();
            retired.addAll(parents.values());
            parents.clear();
            closeRetired();
        }
    }

    private record Xattr(String name, byte[] value) {
    }

    /**
     * The entry's extended attributes from PAX records: {@code SCHILY.xattr.NAME} (GNU tar, Go)
     * and {@code LIBARCHIVE.xattr.NAME} (URL-encoded name, base64 value). Overlay attributes are
     * refused: they would let the image steer overlayfs (redirects, opaque dirs, metacopy).
     */
    private static List<Xattr> xattrs(TarArchiveEntry entry, String entryName) throws UnsafeLayerException {
        Map<String, String> headers = entry.getExtraPaxHeaders();
        if (headers.isEmpty()) {
            return List.of();
        }
        List<Xattr> xattrs = new ArrayList<>(2);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String key = h.getKey();
            String name;
            byte[] value;
            if (key.startsWith("SCHILY.xattr.")) {
                name = key.substring("SCHILY.xattr.".length());
                if (h.getValue().indexOf('\uFFFD') >= 0) {
                    // commons-compress decodes PAX values as UTF-8: a binary value is lost.
                    throw new UnsafeLayerException(entryName, "xattr '" + name
                            + "' has a binary value in a SCHILY record, which jrun cannot read losslessly");
                }
                value = h.getValue().getBytes(StandardCharsets.UTF_8);
            } else if (key.startsWith("LIBARCHIVE.xattr.")) {
                name = URLDecoder.decode(key.substring("LIBARCHIVE.xattr.".length()), StandardCharsets.UTF_8);
                try {
                    value = Base64.getDecoder().decode(h.getValue().strip());
                } catch (IllegalArgumentException e) {
                    throw new UnsafeLayerException(entryName, "xattr '" + name + "' has an invalid base64 value");
                }
            } else {
                continue;
            }
            if (name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.")) {
                throw new UnsafeLayerException(entryName, "xattr '" + name
                        + "' is reserved for overlayfs; a layer may not set it");
            }
            if (name.isEmpty() || name.indexOf('\0') >= 0) {
                throw new UnsafeLayerException(entryName, "xattr name '" + UnsafeLayerException.printable(name) + "' is invalid");
            }
            xattrs.add(new Xattr(name, value));
        }
        return xattrs;
    }

    private static int permissions(TarArchiveEntry entry) {
        return entry.getMode() & FileTypes.PERMISSIONS;
    }

    /** {atime, mtime}: the PAX/GNU access time when present, else the modification time. */
    private static Instant[] times(TarArchiveEntry entry) {
        FileTime modified = entry.getLastModifiedTime();
        Instant mtime = modified == null ? Instant.EPOCH : modified.toInstant();
        FileTime accessed = entry.getLastAccessTime();
        return new Instant[] {accessed == null ? mtime : accessed.toInstant(), mtime};
    }

    /** Keeps TarArchiveInputStream from closing the caller's stream. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public void close() {
        }
    }
}
