package io.jrun.nativetests.security;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiny static x86_64 Linux programs, written byte by byte, for probes from inside a container:
 * the busybox test image has no tool for raw system calls and the machine has no C compiler.
 *
 * <p>{@link #syscall} makes a program that does one system call with up to six arguments and
 * exits with its errno (0 when the call succeeded): {@code probe; echo $?} prints the errno
 * ({@link #result} exits with the call's result instead, for calls like geteuid). An
 * argument is a number or bytes the program carries (a string, a struct); the register then
 * holds their address. The file is one ELF header, its program headers and one read-only,
 * executable PT_LOAD segment at 0x400000 holding the code and the data: about 200 bytes.
 *
 * <p>The code, for {@code syscall(nr, a1…a6)}:
 * <pre>
 *   mov rax, nr ; movabs rdi, a1 ; movabs rsi, a2 ; movabs rdx, a3 ; movabs r10, a4 ;
 *   movabs r8, a5 ; movabs r9, a6 ; syscall      ; rax = result, or -errno
 *   neg rax ; test rax, rax ; jg 1f ; xor eax, eax   ; errno, or 0 for a success
 *   1: mov rdi, rax ; mov eax, 231 ; syscall       ; exit_group(errno)
 * </pre>
 *
 * <p>x86_64 only: elsewhere {@link #requireX86_64()} fails with a message saying so.
 */
final class ProbeElf {
    private ProbeElf() {
    }

    private static final long BASE = 0x400000;
    private static final int EHDR = 64;
    private static final int PHDR = 56;

    /** A system call argument. */
    sealed interface Arg permits Num, Data {
    }

    /** A number, as is. */
    record Num(long value) implements Arg {
    }

    /** Bytes the program carries; the argument is their address. */
    record Data(byte[] bytes) implements Arg {
    }

    static Arg num(long value) {
        return new Num(value);
    }

    /** A NUL-terminated string. */
    static Arg string(String s) {
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[text.length + 1];
        System.arraycopy(text, 0, withNul, 0, text.length);
        return new Data(withNul);
    }

    /** A struct, as little-endian bytes. */
    static Arg struct(byte[] bytes) {
        return new Data(bytes);
    }

    static void requireX86_64() {
        String arch = System.getProperty("os.arch");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            throw new AssertionError("the escape suite's probe programs are x86_64 machine code (ProbeElf);"
                    + " this machine is " + arch + ": port ProbeElf's few instructions to run it here");
        }
    }

    /** A program that makes system call {@code nr} with {@code args} and exits with its errno. */
    static byte[] syscall(int nr, Arg... args) {
        return program(nr, true, args);
    }

    /**
     * A program that makes system call {@code nr} with {@code args} and exits with its result
     * (its low 8 bits, as exit statuses go): for calls that return a value, such as geteuid.
     */
    static byte[] result(int nr, Arg... args) {
        return program(nr, false, args);
    }

    private static byte[] program(int nr, boolean errno, Arg... args) {
        requireX86_64();
        if (args.length > 6) {
            throw new IllegalArgumentException("a system call takes at most 6 arguments");
        }
        int codeSize = 7 + 6 * 10 + 2 + (errno ? 3 + 3 + 2 + 2 : 0) + 3 + 5 + 2;
        int dataStart = align8(EHDR + PHDR + codeSize);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long[] values = new long[6];
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case Num n -> values[i] = n.value();
                case Data d -> {
                    values[i] = BASE + dataStart + data.size();
                    data.writeBytes(d.bytes());
                    while (data.size() % 8 != 0) {
                        data.write(0);
                    }
                }
            }
        }
        ByteBuffer code = le(codeSize);
        code.put(new byte[] {0x48, (byte) 0xc7, (byte) 0xc0}).putInt(nr);     // mov rax, imm32
        byte[][] movabs = {{0x48, (byte) 0xbf}, {0x48, (byte) 0xbe}, {0x48, (byte) 0xba},
                {0x49, (byte) 0xba}, {0x49, (byte) 0xb8}, {0x49, (byte) 0xb9}}; // rdi rsi rdx r10 r8 r9
        for (int i = 0; i < 6; i++) {
            code.put(movabs[i]).putLong(values[i]);
        }
        code.put(new byte[] {0x0f, 0x05});                                     // syscall
        if (errno) {
            code.put(new byte[] {0x48, (byte) 0xf7, (byte) 0xd8});             // neg rax
            code.put(new byte[] {0x48, (byte) 0x85, (byte) 0xc0});             // test rax, rax
            code.put(new byte[] {0x7f, 0x02});                                 // jg +2
            code.put(new byte[] {0x31, (byte) 0xc0});                          // xor eax, eax
        }
        code.put(new byte[] {0x48, (byte) 0x89, (byte) 0xc7});                 // mov rdi, rax
        code.put(new byte[] {(byte) 0xb8}).putInt(231);                        // mov eax, exit_group
        code.put(new byte[] {0x0f, 0x05});                                     // syscall
        return elf(code.array(), dataStart, data.toByteArray(), null);
    }

    /** A program that exits with {@code status}. */
    static byte[] exit(int status) {
        return exit(status, null);
    }

    /**
     * A program that exits with {@code status}, asking the kernel (PT_INTERP) for the program
     * interpreter {@code interpreter}, unless null.
     */
    static byte[] exit(int status, String interpreter) {
        requireX86_64();
        ByteBuffer code = le(12);
        code.put((byte) 0xbf).putInt(status);                                  // mov edi, status
        code.put((byte) 0xb8).putInt(231);                                     // mov eax, exit_group
        code.put(new byte[] {0x0f, 0x05});                                     // syscall
        int phdrs = interpreter == null ? 1 : 2;
        int dataStart = align8(EHDR + PHDR * phdrs + 12);
        byte[] data = interpreter == null ? new byte[0] : ((Data) string(interpreter)).bytes();
        return elf(code.array(), dataStart, data, interpreter == null ? null : new long[] {dataStart, data.length});
    }

    /** Header, program headers (PT_LOAD, and PT_INTERP over {@code interp} = {offset, size}), code, data. */
    private static byte[] elf(byte[] code, int dataStart, byte[] data, long[] interp) {
        int phnum = interp == null ? 1 : 2;
        int size = dataStart + data.length;
        ByteBuffer f = le(size);
        f.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // 64-bit, LE, SysV
        f.putShort((short) 2);           // ET_EXEC
        f.putShort((short) 62);          // EM_X86_64
        f.putInt(1);                     // EV_CURRENT
        f.putLong(BASE + EHDR + (long) PHDR * phnum); // entry: the code
        f.putLong(EHDR);                 // program headers
        f.putLong(0);                    // no section headers
        f.putInt(0);
        f.putShort((short) EHDR).putShort((short) PHDR).putShort((short) phnum);
        f.putShort((short) 0).putShort((short) 0).putShort((short) 0);
        if (interp != null) {
            f.putInt(3).putInt(4);       // PT_INTERP, PF_R
            f.putLong(interp[0]).putLong(BASE + interp[0]).putLong(BASE + interp[0]);
            f.putLong(interp[1]).putLong(interp[1]).putLong(1);
        }
        f.putInt(1).putInt(5);           // PT_LOAD, PF_R | PF_X
        f.putLong(0).putLong(BASE).putLong(BASE);
        f.putLong(size).putLong(size).putLong(0x1000);
        f.put(code);
        f.position(dataStart);
        f.put(data);
        return f.array();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    /** Little-endian struct bytes from fields: {@code int}s and {@code long}s in order. */
    static byte[] fields(Number... values) {
        List<byte[]> parts = new ArrayList<>();
        int size = 0;
        for (Number v : values) {
            byte[] b = v instanceof Long l ? le(8).putLong(l).array() : le(4).putInt(v.intValue()).array();
            parts.add(b);
            size += b.length;
        }
        ByteBuffer out = le(size);
        parts.forEach(out::put);
        return out.array();
    }
}
