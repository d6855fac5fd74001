package io.jrun.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvFilesTest {
    private static final Map<String, String> HOST = Map.of("HOME", "/root", "EMPTY", "");

    @Test
    void entriesAreTakenAsGivenOrFromTheHost() {
        assertThat(EnvFiles.entry("A=b=c", HOST)).contains("A=b=c");
        assertThat(EnvFiles.entry("A=", HOST)).contains("A=");
        assertThat(EnvFiles.entry("HOME", HOST)).contains("HOME=/root");
        assertThat(EnvFiles.entry("EMPTY", HOST)).contains("EMPTY=");
        assertThat(EnvFiles.entry("UNSET", HOST)).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> EnvFiles.entry("=x", HOST)).hasMessageContaining("use KEY=VALUE or KEY");
    }

    @Test
    void filesSkipCommentsAndBlankLinesAndKeepQuotes(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("env"), "# comment\n\n  A=1\nB=\"quoted value\"\nHOME\nUNSET\n");
        assertThat(EnvFiles.read(file, HOST)).containsExactly("A=1", "B=\"quoted value\"", "HOME=/root");
        Files.writeString(file, "A=1\n=bad\n");
        assertThatThrownBy(() -> EnvFiles.read(file, HOST)).hasMessage("--env-file " + file + " line 2: invalid environment entry '=bad': use KEY=VALUE or KEY");
    }

    @Test
    void aMissingEnvFileNamesTheFlag(@TempDir Path dir) {
        String[] args = {"run", "--env-file", dir.resolve("none").toString(), "busybox"};
        picocli.CommandLine cli = Main.commandLine(args);
        cli.parseArgs(args);
        RunCommand run = (RunCommand) cli.getSubcommands().get("run").getCommandSpec().userObject();
        assertThatThrownBy(run::request)
                .hasMessage("--env-file " + dir.resolve("none") + ": no such file: give an existing file of KEY=VALUE lines");
    }
}
