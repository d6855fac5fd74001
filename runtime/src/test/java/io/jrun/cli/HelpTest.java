package io.jrun.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The help text over the whole picocli model: whole sentences, and the forms the parsers take. */
class HelpTest {

    /** Every command, image's subcommands included, under its qualified name (aliases once). */
    static Map<String, CommandLine> allCommands() {
        Map<String, CommandLine> all = new java.util.LinkedHashMap<>();
        collect(Main.commandLine("--help"), all);
        return all;
    }

    private static void collect(CommandLine cli, Map<String, CommandLine> all) {
        all.putIfAbsent(cli.getCommandSpec().qualifiedName(), cli);
        cli.getSubcommands().values().forEach(sub -> collect(sub, all));
    }

    @Test
    void noDescriptionLineEndsMidSentence() {
        List<String> broken = new ArrayList<>();
        for (CommandLine cli : allCommands().values()) {
            CommandSpec spec = cli.getCommandSpec();
            List<String> lines = new ArrayList<>(List.of(spec.usageMessage().description()));
            for (ArgSpec arg : spec.args()) {
                lines.addAll(List.of(arg.description()));
            }
            for (String line : lines) {
                String text = line.strip();
                // a line is one or more whole sentences: it starts as one and ends as one
                if (!text.matches("(?s)[^a-z].*[.!?][\"')]*")) {
                    broken.add(spec.qualifiedName() + ": \"" + text + "\"");
                }
            }
        }
        assertThat(broken).as("description lines that start or end mid-sentence").isEmpty();
    }

    @Test
    void theCommandListShowsWholeSummaries() {
        String usage = Main.commandLine("--help").getUsageMessage();
        String commands = usage.substring(usage.indexOf("Commands:"));
        // a summary's last wrapped line ends its sentence
        for (String command : List.of("enter", "stop", "gc", "fetch", "run")) {
            String summary = allCommands().get("jrun " + command).getCommandSpec().usageMessage().description()[0];
            assertThat(summary).as(command).matches("(?s).*[.!?][\"')]*");
            String[] aliases = allCommands().get("jrun " + command).getCommandSpec().aliases();
            String names = aliases.length == 0 ? command : command + ", " + String.join(", ", aliases);
            assertThat(commands.replaceAll("\\s+", " ")).contains(names + " " + summary);
        }
    }

    @Test
    void dirHelpNamesTheEnvironmentVariable() {
        assertThat(Main.commandLine("--help").getUsageMessage().replaceAll("\\s+", " "))
                .contains("--dir=DIR State directory: image store and pods (default: $JRUN_DIR, else /var/lib/jrun).");
    }

    @Test
    void runHelpListsEverySecurityOptFormTheParserTakes() {
        String help = Main.commandLine("run", "--help").getSubcommands().get("run").getUsageMessage().replaceAll("\\s+", " ");
        for (String form : SecurityOpts.FORMS) {
            assertThat(help).contains(form);
            String instance = form.replace("[=true|false]", "=false").replace("PATH[:PATH...]|ALL", "/proc/kcore:/sys/firmware");
            SecurityOpts.parse(List.of(instance)); // the parser takes it
        }
    }
}
