package io.jrun.runtime.kube;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the documents of a YAML file (separated by {@code ---}) into Jackson trees with Jackson's
 * YAML module, token by token rather than through an ObjectMapper, for three reasons: the line of
 * every value is kept (by JSON pointer) so that a refusal can say where; a key given twice is an
 * error rather than "the last one wins"; and an alias ({@code *name}) is refused, because Jackson's
 * YAML parser reports an alias as the bare string of its anchor's name, which would silently
 * turn {@code image: *img} into the image "img". A syntax error becomes one line with the file,
 * line, column and what the YAML parser expected, without Jackson's source dump.
 */
final class YamlDocuments {
    /** An empty plain value ({@code command:}) is null, as in YAML's core schema and Kubernetes; "" stays "". */
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /**
     * One document.
     *
     * @param number its position in the file, from 1
     * @param line   the line it starts on
     * @param root   its tree; null for an empty document
     * @param lines  the line of each value and key, by JSON pointer ("" for the root)
     */
    record Document(int number, int line, JsonNode root, Map<String, Integer> lines) {
        Integer lineOf(FieldPath path) {
            for (String p = path.pointer(); ; p = p.substring(0, p.lastIndexOf('/'))) {
                Integer line = lines.get(p);
                if (line != null || p.isEmpty()) {
                    return line;
                }
            }
        }
    }

    private YamlDocuments() {
    }

    /** Every document of {@code yaml}, empty ones included (as a null root). */
    static List<Document> read(byte[] yaml, String source) throws ManifestException {
        List<Document> documents = new ArrayList<>();
        try (YAMLParser parser = (YAMLParser) FACTORY.createParser(yaml)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                Map<String, Integer> lines = new HashMap<>();
                int line = parser.currentTokenLocation().getLineNr();
                JsonNode root = value(parser, token, "", lines, source);
                documents.add(new Document(documents.size() + 1, line, root, lines));
            }
        } catch (JsonProcessingException e) {
            throw syntax(e, source);
        } catch (IOException e) {
            throw new ManifestException(source + ": cannot read: " + e.getMessage());
        }
        return documents;
    }

    private static JsonNode value(YAMLParser parser, JsonToken token, String pointer, Map<String, Integer> lines,
                                  String source) throws IOException, ManifestException {
        int line = parser.currentTokenLocation().getLineNr();
        lines.putIfAbsent(pointer, line);
        if (parser.isCurrentAlias()) {
            throw new ManifestException(source + ":" + line + ": YAML aliases (*" + parser.getText()
                    + ") are not supported by jrun play: write the value out where the alias is");
        }
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                JsonToken next;
                while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    String child = pointer + "/" + FieldPath.escape(name);
                    int keyLine = parser.currentTokenLocation().getLineNr();
                    if (object.has(name)) {
                        throw new ManifestException(source + ":" + keyLine + ": the key \"" + name
                                + "\" is given twice in one mapping: keep one");
                    }
                    lines.put(child, keyLine);
                    object.set(name, value(parser, parser.nextToken(), child, lines, source));
                }
                if (next != JsonToken.END_OBJECT) {
                    throw new ManifestException(source + ":" + line + ": unexpected " + next + " in a mapping");
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (next == null) {
                        throw new ManifestException(source + ":" + line + ": a list that does not end: close it with ]");
                    }
                    array.add(value(parser, next, pointer + "/" + array.size(), lines, source));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            // !!binary and other embedded objects: not part of any Kubernetes manifest
            default -> throw new ManifestException(source + ":" + line + ": a YAML value of type " + token
                    + " is not valid in a Kubernetes manifest: write a string, number, boolean, list or mapping");
        };
    }

    private static ManifestException syntax(JsonProcessingException e, String source) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark mark = marked.getProblemMark();
                String context = marked.getContext() == null || marked.getContextMark() == null ? ""
                        : " (" + marked.getContext() + " at line " + (marked.getContextMark().getLine() + 1) + ")";
                return new ManifestException(source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1)
                        + ": not valid YAML: " + oneLine(marked.getProblem()) + context
                        + ": check the indentation and quoting there");
            }
        }
        String where = e.getLocation() == null ? ""
                : e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr() + ":";
        String problem = oneLine(e.getOriginalMessage());
        if (e instanceof JsonParseException && problem.startsWith("Expected a field name")) {
            problem = "a mapping key must be a plain string, not a list or mapping";
        }
        return new ManifestException(source + ":" + where + " not valid YAML: " + problem);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.lines().map(String::strip).filter(s -> !s.isEmpty())
                .reduce((a, b) -> a + " " + b).orElse("");
    }
}
