package io.jrun.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Mistyped command lines: one line naming the problem and where to look, exit 125; nothing runs. */
class ParameterErrorsTest {

    private static String error(String... args) {
        CommandLine cli = Main.commandLine(args);
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        assertThat(cli.execute(args)).isEqualTo(ExitCodes.JRUN_ERROR);
        return err.toString();
    }

    @Test
    void anUnknownCommandSuggestsTheNearest() {
        assertThat(error("--dir", "/nonexistent/state", "lst"))
                .isEqualTo("jrun: unknown command 'lst': did you mean list? (see 'jrun --help')\n");
        assertThat(error("imgae")).isEqualTo("jrun: unknown command 'imgae': did you mean image? (see 'jrun --help')\n");
        assertThat(error("sto")).isEqualTo("jrun: unknown command 'sto': did you mean stop? (see 'jrun --help')\n");
        assertThat(error("frobnicate")).isEqualTo("jrun: unknown command 'frobnicate' (see 'jrun --help')\n");
        assertThat(error("cleanu")).as("the internal command is not suggested").doesNotContain("did you mean");
    }

    @Test
    void anUnexpectedArgumentIsNamedWithoutAnIndex() {
        assertThat(error("--dir", "/nonexistent/state", "list", "extra"))
                .isEqualTo("jrun: unexpected argument 'extra' (see 'jrun list --help')\n");
    }

    @Test
    void nearestNeedsATypoNotAnotherWord() {
        assertThat(ErrorHandler.nearest("lst", List.of("list", "logs", "rm"))).isEqualTo("list");
        assertThat(ErrorHandler.nearest("xyz", List.of("list", "logs", "rm"))).isNull();
        assertThat(ErrorHandler.nearest("ima", List.of("image", "inspect"))).isEqualTo("image");
    }
}
