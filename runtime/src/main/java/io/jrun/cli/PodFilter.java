package io.jrun.cli;

import io.jrun.runtime.pod.PodStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code list --filter KEY=VALUE}, as podman's ps takes it: a key given twice matches either
 * value, different keys must all match.
 */
final class PodFilter {
    private static final Map<String, BiPredicate<PodStatus, String>> TESTS = new LinkedHashMap<>();

    static {
        TESTS.put("name", (p, v) -> p.name() != null && Pattern.compile(v).matcher(p.name()).find());
        TESTS.put("id", (p, v) -> p.uuid().startsWith(v.toLowerCase(java.util.Locale.ROOT)));
        TESTS.put("state", (p, v) -> p.state().toString().equalsIgnoreCase(v));
        TESTS.put("status", TESTS.get("state"));
        TESTS.put("image", (p, v) -> p.manifest() != null && (p.manifest().imageName().equals(v)
                || p.manifest().imageId().replace("sha256:", "").startsWith(v.replace("sha256:", ""))));
        TESTS.put("exited", (p, v) -> p.exit() != null && p.exit().exitCodeKnown() && String.valueOf(p.exit().exitCode()).equals(v));
    }

    /** The keys, as help lists them. */
    static final List<String> KEYS = List.of("name=REGEX", "id=UUID-PREFIX", "state=preparing|running|exited|garbage",
            "image=NAME|ID-PREFIX", "exited=CODE");

    private final Map<String, List<String>> wanted;

    private PodFilter(Map<String, List<String>> wanted) {
        this.wanted = wanted;
    }

    static PodFilter parse(List<String> filters) {
        Map<String, List<String>> wanted = new LinkedHashMap<>();
        for (String f : filters) {
            int eq = f.indexOf('=');
            String key = eq < 0 ? f : f.substring(0, eq);
            if (eq <= 0 || !TESTS.containsKey(key)) {
                throw new IllegalArgumentException("invalid --filter '" + f + "': use KEY=VALUE with a KEY of "
                        + String.join(", ", KEYS));
            }
            String value = f.substring(eq + 1);
            if (key.equals("name")) {
                try {
                    Pattern.compile(value);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("invalid --filter '" + f + "': not a regular expression: " + e.getDescription());
                }
            }
            wanted.computeIfAbsent(key.equals("status") ? "state" : key, k -> new ArrayList<>()).add(value);
        }
        return new PodFilter(wanted);
    }

    boolean matches(PodStatus pod) {
        for (Map.Entry<String, List<String>> e : wanted.entrySet()) {
            BiPredicate<PodStatus, String> test = TESTS.get(e.getKey());
            if (e.getValue().stream().noneMatch(v -> test.test(pod, v))) {
                return false;
            }
        }
        return true;
    }
}
