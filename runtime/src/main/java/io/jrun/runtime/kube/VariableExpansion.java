package io.jrun.runtime.kube;

import java.util.Map;

/**
 * Kubernetes' {@code $(VAR)} references in a container's command, args and env values: a
 * reference to a variable the container's env defines is replaced by its value; any other
 * reference stays as written ({@code $(date)} in a shell command is left alone); {@code $$} is a
 * literal {@code $}. The algorithm of k8s.io/kubernetes third_party/forked/golang/expansion.
 */
final class VariableExpansion {
    private VariableExpansion() {
    }

    static String expand(String input, Map<String, String> variables) {
        StringBuilder out = new StringBuilder();
        int checkpoint = 0;
        for (int cursor = 0; cursor < input.length(); cursor++) {
            if (input.charAt(cursor) != '$' || cursor + 1 >= input.length()) {
                continue;
            }
            out.append(input, checkpoint, cursor);
            char next = input.charAt(cursor + 1);
            int advance = 1;
            if (next == '$') {
                out.append('$');
            } else if (next == '(') {
                int close = input.indexOf(')', cursor + 2);
                if (close < 0) {
                    out.append("$(");
                } else {
                    String name = input.substring(cursor + 2, close);
                    String value = variables.get(name);
                    out.append(value != null ? value : "$(" + name + ")");
                    advance = close - cursor;
                }
            } else {
                out.append('$').append(next);
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        return out.append(input, Math.min(checkpoint, input.length()), input.length()).toString();
    }
}
