package io.jrun.runtime.seccomp;

import io.jrun.linux.Architecture;
import io.jrun.linux.Uuids;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Compiled filters kept on disk, so that a run does not parse and compile a profile each time:
 * with a cold JVM that costs more than the whole rest of the launch. An entry is named by a
 * digest of everything the program depends on: the profile's bytes, the target (architecture,
 * capability set, no_new_privs, kernel version) and the compiler itself (the jar it was loaded
 * from, by size and time). Entries are written to a temporary name and renamed, so concurrent
 * runs never read half of one; a damaged entry is compiled again.
 */
public final class SeccompCache {
    private static final int FORMAT = 1;
    private final Path dir;

    public SeccompCache(Path dir) {
        this.dir = dir;
    }

    /** The filter {@code option} asks for, compiled for {@code target}; empty for unconfined. */
    public Optional<SeccompProgram> compile(SeccompOption option, SeccompTarget target) throws SeccompProfileException {
        return switch (option.kind()) {
            case UNCONFINED -> Optional.empty();
            case DEFAULT -> Optional.of(compile(defaultSource(), DefaultProfile.SOURCE, target));
            case FILE -> Optional.of(compile(read(option.profileFile()), option.profileFile().toString(), target));
        };
    }

    /** The profile in {@code source} (named {@code sourceName} in errors), compiled for {@code target}. */
    public SeccompProgram compile(byte[] source, String sourceName, SeccompTarget target) throws SeccompProfileException {
        Path entry = dir.resolve(key(source, target) + ".bpf");
        try {
            return read(entry, target.architecture());
        } catch (NoSuchFileException e) {
            // first use
        } catch (IOException | RuntimeException e) {
            // damaged: compile again
        }
        SeccompProgram program = SeccompCompiler.compile(ProfileParser.parse(source, sourceName), target);
        try {
            write(entry, program);
        } catch (IOException e) {
            // a cache that cannot be written only costs time
        }
        return program;
    }

    private static byte[] read(Path file) throws SeccompProfileException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SeccompProfileException(file.toString(), "no such file");
        } catch (IOException e) {
            throw new SeccompProfileException(file.toString(), "cannot read: " + e.getMessage());
        }
    }

    /** The built-in default profile's JSON. */
    public static byte[] defaultSource() {
        try (InputStream in = DefaultProfile.class.getResourceAsStream("default.json")) {
            if (in == null) {
                throw new IllegalStateException("jrun is incomplete: resource io/jrun/runtime/seccomp/default.json is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in seccomp profile", e);
        }
    }

    private static String key(byte[] source, SeccompTarget target) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(source);
            String compiler = "";
            try {
                Path jar = Path.of(SeccompCompiler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                compiler = jar + ":" + Files.size(jar) + ":" + Files.getLastModifiedTime(jar).toMillis();
            } catch (Exception e) {
                compiler = "unknown:" + System.nanoTime(); // cannot tell the compiler apart: never reuse
            }
            digest.update(("\n" + FORMAT + "\n" + target.architecture().kernelName() + "\n" + target.capabilities() + "\n"
                    + target.noNewPrivileges() + "\n" + target.kernel() + "\n" + compiler).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static SeccompProgram read(Path entry, Architecture architecture) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(Files.readAllBytes(entry)))) {
            if (in.readInt() != FORMAT || !in.readUTF().equals(architecture.kernelName())) {
                throw new IOException("not an entry of this format");
            }
            int flags = in.readInt();
            int n = in.readInt();
            if (n <= 0 || n > 4096) {
                throw new IOException("bad length " + n);
            }
            List<BpfInstruction> instructions = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                instructions.add(new BpfInstruction(in.readUnsignedShort(), in.readUnsignedByte(), in.readUnsignedByte(), in.readInt()));
            }
            return new SeccompProgram(architecture, flags, instructions);
        }
    }

    private void write(Path entry, SeccompProgram program) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            out.writeUTF(program.architecture().kernelName());
            out.writeInt(program.flags());
            out.writeInt(program.size());
            for (BpfInstruction insn : program.instructions()) {
                out.writeShort(insn.code());
                out.writeByte(insn.jt());
                out.writeByte(insn.jf());
                out.writeInt(insn.k());
            }
        }
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + Uuids.random() + ".tmp");
        Files.write(temp, bytes.toByteArray());
        Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
