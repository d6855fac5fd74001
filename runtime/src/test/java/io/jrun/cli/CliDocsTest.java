package io.jrun.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/cli.md against the picocli model, so the two cannot drift: one section per command,
 * every option of a command named in its section, every option its tables name exists, and
 * no heading or table row twice.
 */
class CliDocsTest {
    /** The module runs its tests in runtime/: the doc is beside it. */
    private static final Path DOC = Path.of("../docs/cli.md");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");

    /** "## jrun X" sections up to jrun-oci's (another command line), by heading. */
    private static Map<String, String> sections() throws Exception {
        String text = Files.readString(DOC);
        Map<String, String> sections = new LinkedHashMap<>();
        List<String> headings = new ArrayList<>();
        String heading = null;
        StringBuilder body = new StringBuilder();
        for (String line : (text + "\n## end").lines().toList()) {
            if (line.startsWith("## ")) {
                if (heading != null) {
                    sections.put(heading, body.toString());
                }
                heading = line.substring(3).strip();
                headings.add(heading);
                body.setLength(0);
            } else {
                body.append(line).append('\n');
            }
        }
        assertThat(headings).as("headings of " + DOC).doesNotHaveDuplicates();
        return sections;
    }

    /** The documented commands: visible, under their own names (not aliases); the root and groups (jrun image) left out. */
    private static Map<String, CommandSpec> commands() {
        Map<String, CommandSpec> commands = new LinkedHashMap<>();
        HelpTest.allCommands().forEach((name, cli) -> {
            CommandSpec spec = cli.getCommandSpec();
            if (spec.parent() != null && !spec.usageMessage().hidden() && spec.subcommands().isEmpty()) {
                commands.put(name, spec);
            }
        });
        return commands;
    }

    private static Set<String> ownOptions(CommandSpec spec) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || o.usageHelp() || o.versionHelp() || o.inherited()) {
                continue;
            }
            for (String name : o.names()) {
                if (name.startsWith("--")) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    @Test
    void everyCommandHasOneSectionAndNoSectionIsForACommandThatDoesNotExist() throws Exception {
        Set<String> documented = new TreeSet<>();
        sections().keySet().stream().filter(h -> h.startsWith("jrun ")).forEach(documented::add);
        assertThat(documented).isEqualTo(new TreeSet<>(commands().keySet()));
    }

    @Test
    void everySectionNamesItsCommandsOptionsAndNoOthers() throws Exception {
        Map<String, String> sections = sections();
        List<String> problems = new ArrayList<>();
        commands().forEach((name, spec) -> {
            String section = sections.getOrDefault(name, "");
            Set<String> own = ownOptions(spec);
            for (String option : own) {
                if (!OPTION.matcher(section).results().map(java.util.regex.MatchResult::group).toList().contains(option)) {
                    problems.add(name + ": " + option + " is not documented");
                }
            }
            List<String> rows = new ArrayList<>();
            for (String line : section.lines().toList()) {
                if (!line.startsWith("| `-")) {
                    continue;
                }
                String first = line.substring(1, line.indexOf('|', 1)).strip();
                if (rows.contains(first)) {
                    problems.add(name + ": row " + first + " is there twice");
                }
                rows.add(first);
                Matcher m = OPTION.matcher(first);
                while (m.find()) {
                    // jrun run's section also documents the options of each app of a pod (after ---)
                    boolean appOption = name.equals("jrun run") && AppOptions.model().findOption(m.group()) != null;
                    if (!own.contains(m.group()) && spec.findOption(m.group()) == null && !appOption) {
                        problems.add(name + ": row " + first + " names " + m.group() + ", which " + name + " does not take");
                    }
                }
            }
        });
        assertThat(problems).isEmpty();
    }
}
