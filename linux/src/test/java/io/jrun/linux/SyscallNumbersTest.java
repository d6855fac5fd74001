package io.jrun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Checks both tables against the kernel's own headers (Debian's linux-libc-dev), so the
 * aarch64 numbers are verified on an x86_64 build machine too.
 */
class SyscallNumbersTest {
    private static final Pattern DEFINE = Pattern.compile("#define __NR_(\\w+)\\s+(\\d+)");

    private static Map<String, Long> header(String path) throws IOException {
        Path file = Path.of(path);
        assertThat(file).as("the kernel headers are needed to check syscall numbers: apt-get install linux-libc-dev")
                .exists();
        Map<String, Long> numbers = new HashMap<>();
        Matcher m = DEFINE.matcher(Files.readString(file));
        while (m.find()) {
            numbers.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return numbers;
    }

    private static void check(SyscallNumbers table, Map<String, Long> expected) throws Exception {
        for (RecordComponent component : SyscallNumbers.class.getRecordComponents()) {
            assertThat(component.getAccessor().invoke(table)).as(component.getName())
                    .isEqualTo(expected.get(component.getName()));
        }
    }

    @Test
    void x86_64MatchesTheKernelHeader() throws Exception {
        check(SyscallNumbers.X86_64, header("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"));
    }

    @Test
    void aarch64MatchesTheGenericKernelHeader() throws Exception {
        check(SyscallNumbers.AARCH64, header("/usr/include/asm-generic/unistd.h"));
    }

    @Test
    void thisMachineGetsItsOwnArchitecturesTable() throws Exception {
        String arch = System.getProperty("os.arch");
        SyscallNumbers expected = switch (arch) {
            case "amd64", "x86_64" -> SyscallNumbers.X86_64;
            case "aarch64", "arm64" -> SyscallNumbers.AARCH64;
            default -> throw new AssertionError("jrun runs on x86_64 and aarch64, not " + arch);
        };
        assertThat(SyscallNumbers.forThisMachine()).as("the table for " + arch).isSameAs(expected);
        // and the running kernel agrees: getpid through the table's number is this process's pid
        // (the other table's getpid, 172 on aarch64 and 39 on x86_64, is another call here)
        assertThat(Processes.getpid()).isEqualTo(ProcessHandle.current().pid());
    }
}
