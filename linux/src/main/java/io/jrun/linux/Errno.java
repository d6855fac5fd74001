package io.jrun.linux;

/**
 * The errno values jrun meets, with their symbolic names and the usual C library messages.
 * Kept in Java so no {@code strerror} binding (another FFM signature) is needed. The numbers
 * are the same on x86_64 and aarch64 (both use asm-generic/errno.h).
 */
public final class Errno {
    private Errno() {
    }

    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6,
            E2BIG = 7, ENOEXEC = 8, EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13,
            EFAULT = 14, ENOTBLK = 15, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19,
            ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25,
            ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31,
            EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOLCK = 37,
            ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOVERFLOW = 75,
            EOPNOTSUPP = 95, ENOTSUP = 95, EADDRINUSE = 98, ETIMEDOUT = 110,
            ECONNREFUSED = 111, ESTALE = 116, EDQUOT = 122, ECANCELED = 125;

    private static final String[][] TABLE = new String[126][];

    static {
        put(EPERM, "EPERM", "Operation not permitted");
        put(ENOENT, "ENOENT", "No such file or directory");
        put(ESRCH, "ESRCH", "No such process");
        put(EINTR, "EINTR", "Interrupted system call");
        put(EIO, "EIO", "Input/output error");
        put(ENXIO, "ENXIO", "No such device or address");
        put(E2BIG, "E2BIG", "Argument list too long");
        put(ENOEXEC, "ENOEXEC", "Exec format error");
        put(EBADF, "EBADF", "Bad file descriptor");
        put(ECHILD, "ECHILD", "No child processes");
        put(EAGAIN, "EAGAIN", "Resource temporarily unavailable");
        put(ENOMEM, "ENOMEM", "Cannot allocate memory");
        put(EACCES, "EACCES", "Permission denied");
        put(EFAULT, "EFAULT", "Bad address");
        put(ENOTBLK, "ENOTBLK", "Block device required");
        put(EBUSY, "EBUSY", "Device or resource busy");
        put(EEXIST, "EEXIST", "File exists");
        put(EXDEV, "EXDEV", "Invalid cross-device link");
        put(ENODEV, "ENODEV", "No such device");
        put(ENOTDIR, "ENOTDIR", "Not a directory");
        put(EISDIR, "EISDIR", "Is a directory");
        put(EINVAL, "EINVAL", "Invalid argument");
        put(ENFILE, "ENFILE", "Too many open files in system");
        put(EMFILE, "EMFILE", "Too many open files");
        put(ENOTTY, "ENOTTY", "Inappropriate ioctl for device");
        put(ETXTBSY, "ETXTBSY", "Text file busy");
        put(EFBIG, "EFBIG", "File too large");
        put(ENOSPC, "ENOSPC", "No space left on device");
        put(ESPIPE, "ESPIPE", "Illegal seek");
        put(EROFS, "EROFS", "Read-only file system");
        put(EMLINK, "EMLINK", "Too many links");
        put(EPIPE, "EPIPE", "Broken pipe");
        put(EDOM, "EDOM", "Numerical argument out of domain");
        put(ERANGE, "ERANGE", "Numerical result out of range");
        put(EDEADLK, "EDEADLK", "Resource deadlock avoided");
        put(ENAMETOOLONG, "ENAMETOOLONG", "File name too long");
        put(ENOLCK, "ENOLCK", "No locks available");
        put(ENOSYS, "ENOSYS", "Function not implemented");
        put(ENOTEMPTY, "ENOTEMPTY", "Directory not empty");
        put(ELOOP, "ELOOP", "Too many levels of symbolic links");
        put(ENODATA, "ENODATA", "No data available");
        put(EOVERFLOW, "EOVERFLOW", "Value too large for defined data type");
        put(EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported");
        put(EADDRINUSE, "EADDRINUSE", "Address already in use");
        put(ETIMEDOUT, "ETIMEDOUT", "Connection timed out");
        put(ECONNREFUSED, "ECONNREFUSED", "Connection refused");
        put(ESTALE, "ESTALE", "Stale file handle");
        put(EDQUOT, "EDQUOT", "Disk quota exceeded");
        put(ECANCELED, "ECANCELED", "Operation canceled");
    }

    private static void put(int errno, String name, String message) {
        TABLE[errno] = new String[] {name, message};
    }

    /** The symbolic name, e.g. {@code ENOENT}; {@code errno N} for numbers not in the table. */
    public static String name(int errno) {
        return errno > 0 && errno < TABLE.length && TABLE[errno] != null ? TABLE[errno][0] : "errno " + errno;
    }

    /**
     * The number of a symbolic name in the table, e.g. 2 for {@code ENOENT} (and the aliases
     * ENOTSUP, EWOULDBLOCK, EDEADLOCK); -1 for a name the table does not hold.
     */
    public static int number(String name) {
        switch (name) {
            case "ENOTSUP" -> {
                return ENOTSUP;
            }
            case "EWOULDBLOCK" -> {
                return EAGAIN;
            }
            case "EDEADLOCK" -> {
                return EDEADLK;
            }
            default -> {
                for (int errno = 1; errno < TABLE.length; errno++) {
                    if (TABLE[errno] != null && TABLE[errno][0].equals(name)) {
                        return errno;
                    }
                }
                return -1;
            }
        }
    }

    /** The C library's message, e.g. {@code No such file or directory}. */
    public static String message(int errno) {
        return errno > 0 && errno < TABLE.length && TABLE[errno] != null ? TABLE[errno][1] : "Unknown error " + errno;
    }
}
