package io.jrun.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The man pages and the completion script are made from the whole model: every command, every option. */
class ManPagesTest {

    @Test
    void everyCommandHasAPageNamingItsOptions(@TempDir Path dir) throws Exception {
        List<Path> pages = ManPages.write(dir);
        Map<String, CommandLine> commands = ManPages.commands(Main.commandLine("--help"));
        TreeSet<String> expected = new TreeSet<>();
        commands.keySet().forEach(name -> expected.add(name.replace(' ', '-') + ".1"));
        try (Stream<Path> files = Files.list(dir.resolve("man1"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(pages).hasSize(expected.size());
        assertThat(expected).contains("jrun.1", "jrun-run.1", "jrun-enter.1", "jrun-image-list.1", "jrun-image-rm.1")
                .as("the internal command has no page").doesNotContain("jrun-cleanup.1");
        for (Map.Entry<String, CommandLine> e : commands.entrySet()) {
            String page = Files.readString(dir.resolve("man1").resolve(e.getKey().replace(' ', '-') + ".1"));
            assertThat(page).startsWith(".TH \"" + e.getKey().replace(' ', '-').toUpperCase() + "\" 1 ");
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (!o.hidden()) {
                    assertThat(page).as(e.getKey()).contains("\\fB" + o.longestName().replace("-", "\\-") + "\\fR");
                }
            }
        }
    }

    @Test
    void manRendersThePagesWithoutWarnings(@TempDir Path dir) throws Exception {
        ManPages.write(dir);
        Path page = dir.resolve("man1/jrun-run.1");
        Process man = new ProcessBuilder("man", "--warnings", "-l", page.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
        man.getOutputStream().close();
        assertThat(man.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(dir.resolve("out")).replaceAll("\\s+", " "); // man justifies with spaces
        assertThat(man.exitValue()).as(out).isZero();
        assertThat(out).contains("jrun-run - Run an image's app isolated").contains("--security-opt=OPT")
                .doesNotContain("warning");
    }

    @Test
    void theCompletionScriptKnowsEveryCommand(@TempDir Path dir) throws Exception {
        ManPages.write(dir);
        String script = Files.readString(dir.resolve("completion/jrun"));
        for (String command : List.of("fetch", "image", "run", "enter", "list", "status", "stop", "rm", "gc", "logs")) {
            assertThat(script).contains(command);
        }
        assertThat(script).contains("--security-opt", "complete -F");
        Process bash = new ProcessBuilder("bash", "-n", dir.resolve("completion/jrun").toString()).inheritIO().start();
        assertThat(bash.waitFor()).as("bash -n: the script parses").isZero();
    }
}
