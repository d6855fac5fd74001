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
 * The full tables against the kernel headers they were generated from, and against the
 * hand-kept {@link SyscallNumbers}: two sources that must agree.
 */
class SyscallTableTest {
    private static final Pattern DEFINE = Pattern.compile("#define __NR_(\\w+)\\s+(\\d+)");

    private static Map<String, Integer> header(String path) throws IOException {
        Path file = Path.of(path);
        assertThat(file).as("the kernel headers are needed to check syscall numbers: apt-get install linux-libc-dev")
                .exists();
        Map<String, Integer> numbers = new HashMap<>();
        Matcher m = DEFINE.matcher(Files.readString(file));
        while (m.find()) {
            numbers.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return numbers;
    }

    @Test
    void x86_64HoldsEveryCallOfTheHeaderWithItsNumber() throws Exception {
        Map<String, Integer> header = header("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
        SyscallTable table = Architecture.X86_64.syscalls();
        assertThat(header).hasSizeGreaterThan(350);
        header.forEach((name, number) -> assertThat(table.number(name)).as(name).hasValue(number));
        assertThat(table.number("arch_prctl")).hasValue(158);
        assertThat(table.number("uretprobe")).as("newer than the 6.1 headers").hasValue(335);
        assertThat(table.number("removexattrat")).hasValue(466);
        assertThat(table.name(59)).isEqualTo("execve");
    }

    @Test
    void aarch64AgreesWithTheGenericHeaderAndLacksTheOldCalls() throws Exception {
        Map<String, Integer> header = header("/usr/include/asm-generic/unistd.h");
        SyscallTable table = Architecture.AARCH64.syscalls();
        // Every name the table holds that the header numbers directly has that number (the
        // header also numbers 32-bit-only calls, which the table must not hold: checked below).
        for (String name : table.names()) {
            if (header.containsKey(name)) {
                assertThat(table.number(name)).as(name).hasValue(header.get(name));
            }
        }
        assertThat(table.number("fcntl")).as("through __NR3264_fcntl").hasValue(25);
        assertThat(table.number("mmap")).hasValue(222);
        assertThat(table.number("clone3")).hasValue(435);
        assertThat(table.number("mseal")).as("newer than the 6.1 headers").hasValue(462);
        for (String absent : new String[] {"open", "fork", "dup2", "stat", "clock_gettime64", "fcntl64", "uretprobe",
                "arch_prctl"}) {
            assertThat(table.number(absent)).as(absent).isEmpty();
        }
    }

    @Test
    void bothTablesAgreeWithTheNumbersJrunCalls() throws Exception {
        for (RecordComponent component : SyscallNumbers.class.getRecordComponents()) {
            String name = component.getName();
            assertThat(Architecture.X86_64.syscalls().number(name)).as("x86_64 " + name)
                    .hasValue((int) (long) component.getAccessor().invoke(SyscallNumbers.X86_64));
            assertThat(Architecture.AARCH64.syscalls().number(name)).as("aarch64 " + name)
                    .hasValue((int) (long) component.getAccessor().invoke(SyscallNumbers.AARCH64));
        }
    }

    @Test
    void theRunningMachineHasItsArchitecture() {
        assertThat(Architecture.current().syscalls().architecture()).isEqualTo(System.getProperty("os.arch")
                .replace("amd64", "x86_64").replace("arm64", "aarch64"));
    }
}
