package io.jrun.runtime.seccomp;

import io.jrun.linux.Architecture;
import io.jrun.linux.Uuids;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Compiled filters kept on disk, so that a run does not parse and compile a profile each time:
 * with a cold JVM that costs more than the whole rest of the launch. An entry holds everything
 * the program depends on: the profile's bytes, the target (architecture, capability set,
 * no_new_privs, kernel version) and the compiler itself (the jar it was loaded from, by size
 * and time), and is used only when all of them are equal. Its name is a checksum of them, so
 * a collision costs a compile and nothing else: no cryptographic digest, whose first use sets
 * up the JDK's security providers (about 10 ms of a cold run). Entries are written to a
 * temporary name and renamed, so concurrent runs never read half of one; a damaged entry is
 * compiled again.
 */
public final class SeccompCache {
    private static final int FORMAT = 2;
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

    /**
     * The rules {@code option} asks for that apply to {@code target}, as {@code linux.seccomp}
     * (what {@code jrun run} writes into a pod's config.json); empty for unconfined. Kept beside
     * the compiled filters under the same kind of name: parsing docker's default profile costs a
     * cold JVM more than reading back its resolved rules.
     */
    public Optional<io.jrun.runtime.spec.Seccomp> resolve(SeccompOption option, SeccompTarget target)
            throws SeccompProfileException {
        byte[] source;
        String sourceName;
        switch (option.kind()) {
            case UNCONFINED -> {
                return Optional.empty();
            }
            case DEFAULT -> {
                source = defaultSource();
                sourceName = DefaultProfile.SOURCE;
            }
            default -> {
                source = read(option.profileFile());
                sourceName = option.profileFile().toString();
            }
        }
        String depends = dependencies(target);
        Path entry = dir.resolve(name(depends, source) + ".rules.json");
        try {
            byte[] cached = Files.readAllBytes(entry);
            int newline = indexOf(cached, (byte) '\n');
            if (newline > 0 && new String(cached, 0, newline, StandardCharsets.UTF_8).equals(checksum(depends, source))) {
                return Optional.of(io.jrun.runtime.spec.SpecJson.readSeccomp(Arrays.copyOfRange(cached, newline + 1,
                        cached.length)));
            }
        } catch (NoSuchFileException e) {
            // first use
        } catch (IOException | RuntimeException | io.jrun.runtime.spec.SpecFormatException e) {
            // damaged: resolve again
        }
        io.jrun.runtime.spec.Seccomp resolved = SeccompSpecs.resolve(ProfileParser.parse(source, sourceName), target);
        try {
            byte[] json = io.jrun.runtime.spec.SpecJson.write(resolved);
            byte[] head = (checksum(depends, source) + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] all = Arrays.copyOf(head, head.length + json.length);
            System.arraycopy(json, 0, all, head.length, json.length);
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".rules", ".tmp");
            Files.write(tmp, all);
            Files.move(tmp, entry, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // a cache that cannot be written only costs time
        }
        return Optional.of(resolved);
    }

    /** A second checksum of the inputs, kept in the entry: a name collision is then only a miss. */
    private static String checksum(String depends, byte[] source) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(depends.getBytes(StandardCharsets.UTF_8));
        crc.update(source);
        return Long.toHexString(crc.getValue()) + ":" + source.length + ":" + depends.length();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The profile in {@code source} (named {@code sourceName} in errors), compiled for {@code target}. */
    public SeccompProgram compile(byte[] source, String sourceName, SeccompTarget target) throws SeccompProfileException {
        String depends = dependencies(target);
        Path entry = dir.resolve(name(depends, source) + ".bpf");
        try {
            return read(entry, target.architecture(), depends, source);
        } catch (NoSuchFileException e) {
            // first use
        } catch (IOException | RuntimeException e) {
            // damaged: compile again
        }
        SeccompProgram program = SeccompCompiler.compile(ProfileParser.parse(source, sourceName), target);
        try {
            write(entry, program, depends, source);
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

    /** What a compiled program depends on besides the profile: the target and the compiler. */
    private static String dependencies(SeccompTarget target) {
        String compiler;
        try {
            Path jar = Path.of(SeccompCompiler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            compiler = jar + ":" + Files.size(jar) + ":" + Files.getLastModifiedTime(jar).toMillis();
        } catch (Exception e) {
            compiler = "unknown:" + System.nanoTime(); // cannot tell the compiler apart: never reuse
        }
        return FORMAT + "\n" + target.architecture().kernelName() + "\n" + target.capabilities() + "\n"
                + target.noNewPrivileges() + "\n" + target.kernel() + "\n" + compiler;
    }

    private static String name(String depends, byte[] source) {
        CRC32C crc = new CRC32C();
        crc.update(depends.getBytes(StandardCharsets.UTF_8));
        crc.update(source);
        return Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(depends.hashCode()) + "-"
                + Integer.toHexString(source.length);
    }

    private static SeccompProgram read(Path entry, Architecture architecture, String depends, byte[] source)
            throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(Files.readAllBytes(entry)))) {
            if (in.readInt() != FORMAT || !in.readUTF().equals(architecture.kernelName())) {
                throw new IOException("not an entry of this format");
            }
            if (!in.readUTF().equals(depends) || !Arrays.equals(in.readNBytes(in.readInt()), source)) {
                throw new IOException("an entry for another profile, target or compiler"); // a name collision
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

    private void write(Path entry, SeccompProgram program, String depends, byte[] source) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            out.writeUTF(program.architecture().kernelName());
            out.writeUTF(depends);
            out.writeInt(source.length);
            out.write(source);
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
