package io.jrun.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --format} as docker and podman take it: {@code table}, {@code json}, or a Go-template-like
 * line where each {@code {{.Field}}} is a field of the command's JSON (any case), and {@code \t}
 * and {@code \n} are a tab and a newline: {@code --format '{{.Name}} {{.State}}'}.
 */
record Formats(Kind kind, String template) {
    enum Kind { table, json, template }

    private static final Pattern FIELD = Pattern.compile("\\{\\{\\s*\\.([A-Za-z][A-Za-z0-9]*)\\s*}}");

    static Formats parse(String text) {
        String lower = text.strip().toLowerCase(Locale.ROOT);
        if (lower.equals("table") || lower.equals("json")) {
            return new Formats(Kind.valueOf(lower), null);
        }
        if (!text.contains("{{")) {
            throw new IllegalArgumentException("invalid --format '" + text + "': use table, json, or a template such as '{{.Name}}'");
        }
        String rest = FIELD.matcher(text).replaceAll("");
        if (rest.contains("{{") || rest.contains("}}")) {
            throw new IllegalArgumentException("invalid --format '" + text + "': a template takes only {{.Field}}, e.g. '{{.Name}} {{.State}}'");
        }
        return new Formats(Kind.template, text.replace("\\t", "\t").replace("\\n", "\n"));
    }

    /** The template over {@code node}: one line; an unknown field is refused naming the known ones; null shows as "". */
    String render(JsonNode node) {
        Matcher m = FIELD.matcher(template);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            JsonNode value = field(node, m.group(1));
            m.appendReplacement(b, Matcher.quoteReplacement(value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString()));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static JsonNode field(JsonNode node, String name) {
        List<String> known = new ArrayList<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String candidate = names.next();
            if (candidate.equalsIgnoreCase(name)) {
                return node.get(candidate);
            }
            known.add(capitalized(candidate));
        }
        throw new IllegalArgumentException("--format: no field ." + name + ": the fields are ."
                + String.join(", .", known));
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
