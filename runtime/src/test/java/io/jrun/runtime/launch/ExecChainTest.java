package io.jrun.runtime.launch;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The #! line as fs/binfmt_script.c reads it; the rest of ExecChain is tested natively (ProcExeTest). */
class ExecChainTest {
    private static String shebang(String header) {
        return ExecChain.shebang(header.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theInterpreterIsTheFirstWordAfterHashBang() {
        assertThat(shebang("#!/bin/sh\necho hi\n")).isEqualTo("/bin/sh");
        assertThat(shebang("#! \t/usr/bin/env python3 -u\n")).isEqualTo("/usr/bin/env");
        assertThat(shebang("#!/proc/self/exe")).as("no newline").isEqualTo("/proc/self/exe");
        assertThat(shebang("#!relative/interp arg\n")).isEqualTo("relative/interp");
        assertThat(shebang("#!/bin/sh\0/proc/self/exe\n")).as("a NUL ends the name").isEqualTo("/bin/sh");
    }

    @Test
    void aLineWithoutInterpreterHasNone() {
        assertThat(shebang("#!\n/bin/sh\n")).isNull();
        assertThat(shebang("#!   \t\n")).isNull();
    }

    @Test
    void relativePathsAreTheWorkingDirectorys() {
        assertThat(ExecChain.absolute("bin/x", "/srv")).isEqualTo("/srv/bin/x");
        assertThat(ExecChain.absolute("bin/x", "/")).isEqualTo("/bin/x");
        assertThat(ExecChain.absolute("/bin/x", "/srv")).isEqualTo("/bin/x");
    }
}
