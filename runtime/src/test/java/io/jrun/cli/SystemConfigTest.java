package io.jrun.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The system configuration file's strict reading (pure logic on a real file). */
class SystemConfigTest {
    @TempDir
    Path dir;

    @Test
    void aMissingDefaultFileMeansTheDefaults() throws Exception {
        assertThat(SystemConfig.read(dir.resolve("absent.conf")).supervisor()).isEqualTo("jrun");
    }

    @Test
    void commentsBlankLinesAndSpacesAroundTheValueAreSkipped() throws Exception {
        Path file = Files.writeString(dir.resolve("jrun.conf"), "# jrun\n\n   # indented comment\n  supervisor=  Conmon  \n");
        assertThat(SystemConfig.read(file).supervisor()).isEqualTo("conmon");
    }

    @Test
    void everyMistakeNamesTheFileTheLineAndTheKey() throws Exception {
        Path file = dir.resolve("jrun.conf");
        String[][] cases = {
                {"supervisor = jrun\nsupervisr = conmon\n", file + ":2: unknown key 'supervisr': remove it (jrun knows: supervisor; see docs/config.md)"},
                {"supervisor = runc\n", file + ":1: supervisor 'runc' is not jrun or conmon: use one of them"},
                {"= conmon\n", file + ":1: '= conmon' is not key = value: fix the line (see docs/config.md)"},
                {"supervisor\n", file + ":1: 'supervisor' is not key = value: fix the line (see docs/config.md)"},
                {"supervisor = jrun\nsupervisor = jrun\n", file + ":2: key 'supervisor' is given twice: keep one"}};
        for (String[] c : cases) {
            Files.writeString(file, c[0]);
            assertThatThrownBy(() -> SystemConfig.read(file)).as(c[0]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(c[1]);
        }
    }

    @Test
    void jrunConfigNamesTheFileAndMustNameOneThatExists() throws Exception {
        Path file = Files.writeString(dir.resolve("other.conf"), "supervisor = conmon\n");
        assertThat(SystemConfig.load(Map.of("JRUN_CONFIG", file.toString())).supervisor()).isEqualTo("conmon");
        assertThatThrownBy(() -> SystemConfig.load(Map.of("JRUN_CONFIG", dir.resolve("gone.conf").toString())))
                .hasMessage("JRUN_CONFIG names " + dir.resolve("gone.conf") + ", which does not exist: create it, or unset"
                        + " JRUN_CONFIG for /etc/jrun/jrun.conf");
    }
}
