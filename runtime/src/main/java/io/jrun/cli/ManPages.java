package io.jrun.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * jrun's man pages (section 1, one per command: jrun.1, jrun-run.1, jrun-image-list.1, …) and
 * its bash completion (picocli's {@link AutoComplete}; zsh takes it too, through bashcompinit),
 * made from the same picocli model as {@code --help}, so they say what the parser takes.
 * scripts/build.sh writes them into runtime/target/docs, scripts/install.sh installs them.
 * picocli's own ManPageGenerator writes AsciiDoc, which needs asciidoctor to become a page;
 * this writes the roff directly.
 */
public final class ManPages {
    private ManPages() {
    }

    /** {@code ManPages DIR}: writes DIR/man1/*.1 and DIR/completion/jrun. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ManPages OUTPUT_DIR");
            System.exit(2);
        }
        write(Path.of(args[0]));
    }

    /** Writes every page and the completion script under {@code dir}; returns the pages' paths. */
    public static List<Path> write(Path dir) throws IOException {
        CommandLine root = Main.commandLine("--help");
        Path man = Files.createDirectories(dir.resolve("man1"));
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : commands(root).entrySet()) {
            Path page = man.resolve(e.getKey().replace(' ', '-') + ".1");
            Files.writeString(page, page(e.getValue(), commands(root).keySet()));
            written.add(page);
        }
        Path completion = Files.createDirectories(dir.resolve("completion"));
        Files.writeString(completion.resolve("jrun"), AutoComplete.bash("jrun", root));
        return written;
    }

    /** Every visible command by qualified name (aliases once), the root first. */
    static Map<String, CommandLine> commands(CommandLine root) {
        Map<String, CommandLine> all = new LinkedHashMap<>();
        collect(root, all);
        return all;
    }

    private static void collect(CommandLine cli, Map<String, CommandLine> all) {
        if (cli.getCommandSpec().usageMessage().hidden()) {
            return;
        }
        all.putIfAbsent(cli.getCommandSpec().qualifiedName(), cli);
        cli.getSubcommands().values().forEach(sub -> collect(sub, all));
    }

    /** One command's page in roff (man(7)). */
    static String page(CommandLine cli, java.util.Collection<String> allNames) throws IOException {
        CommandSpec spec = cli.getCommandSpec();
        String name = spec.qualifiedName().replace(' ', '-');
        String[] description = spec.usageMessage().description();
        String version = new VersionProvider().getVersion()[0].split(" ")[1];
        StringBuilder b = new StringBuilder();
        b.append(".TH \"").append(name.toUpperCase(java.util.Locale.ROOT)).append("\" 1 \"\" \"jrun ").append(escape(version))
                .append("\" \"jrun Manual\"\n");
        b.append(".SH NAME\n").append(name.replace("-", "\\-")).append(" \\- ")
                .append(escape(description.length == 0 ? "" : description[0])).append('\n');
        b.append(".SH SYNOPSIS\n.nf\n").append(escape(cli.getHelp().synopsis(0).strip())).append("\n.fi\n");
        b.append(".SH DESCRIPTION\n");
        for (String sentence : description) {
            b.append(escape(sentence)).append('\n');
        }
        if (spec.aliases().length > 0) {
            b.append(".PP\nAlso invoked as: ").append(escape(String.join(", ", spec.aliases()))).append(".\n");
        }
        List<PositionalParamSpec> positionals = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!positionals.isEmpty()) {
            b.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : positionals) {
                b.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR\n")
                        .append(escape(String.join(" ", p.description()))).append('\n');
            }
        }
        b.append(".SH OPTIONS\n");
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            b.append(".TP\n");
            List<String> names = new ArrayList<>();
            for (String n : o.names()) {
                names.add("\\fB" + escape(n) + "\\fR");
            }
            b.append(String.join(", ", names));
            if (o.typeInfo().isBoolean() && o.arity().max() == 0) {
                b.append('\n');
            } else {
                b.append("=\\fI").append(escape(o.paramLabel())).append("\\fR\n");
            }
            b.append(escape(String.join(" ", o.description()))).append('\n');
        }
        b.append(".SH EXIT STATUS\n0 on success; 125 when jrun fails (one line on stderr names the problem and the fix);"
                + " for run and enter, 126 when the command cannot be executed, 127 when it is not found, else the"
                + " command's own exit code.\n");
        b.append(".SH SEE ALSO\n");
        List<String> see = new ArrayList<>();
        for (String other : allNames) {
            String page = other.replace(' ', '-');
            if (!page.equals(name)) {
                see.add("\\fB" + page.replace("-", "\\-") + "\\fR(1)");
            }
        }
        b.append(String.join(", ", see)).append('\n');
        return b.toString();
    }

    /** Text as roff shows it: backslashes and hyphens escaped, no line taken for a request. */
    private static String escape(String text) {
        String s = text.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder b = new StringBuilder();
        for (String line : s.split("\n", -1)) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
        }
        return b.toString();
    }
}
