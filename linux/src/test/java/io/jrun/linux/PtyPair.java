package io.jrun.linux;

/** A pseudo-terminal pair of the host's devpts, as a terminal emulator holds it, for tests. */
record PtyPair(Fd master, Fd slave, int number) implements AutoCloseable {
    static PtyPair open() throws ErrnoException {
        Fd master = PseudoTerminals.openMaster(AtFlags.AT_FDCWD, "/dev/ptmx");
        try {
            int n = PseudoTerminals.number(master.value());
            Fd slave = FileSyscalls.openat(AtFlags.AT_FDCWD, "/dev/pts/" + n,
                    OpenFlags.O_RDWR | OpenFlags.O_NOCTTY | OpenFlags.O_CLOEXEC, 0);
            return new PtyPair(master, slave, n);
        } catch (ErrnoException | RuntimeException e) {
            master.close();
            throw e;
        }
    }

    /** Reads what is there (blocking until something is), as a string. */
    static String read(Fd fd) throws ErrnoException {
        byte[] buffer = new byte[4096];
        int n = FileSyscalls.read(fd.value(), buffer, 0, buffer.length);
        return new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    static void write(Fd fd, String text) throws ErrnoException {
        FileSyscalls.write(fd.value(), text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws ErrnoException {
        try {
            slave.close();
        } finally {
            master.close();
        }
    }
}
