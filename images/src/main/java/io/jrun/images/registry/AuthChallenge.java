package io.jrun.images.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme such as Bearer or Basic
 * and its parameters. Registries send {@code Bearer realm="…",service="…",scope="…"} (token
 * auth) or {@code Basic realm="…"}. Parameter names are case-insensitive and stored lowercase.
 */
public record AuthChallenge(String scheme, Map<String, String> parameters) {

    public AuthChallenge {
        scheme = scheme.toLowerCase(Locale.ROOT);
        parameters = Map.copyOf(parameters);
    }

    public boolean isBearer() {
        return scheme.equals("bearer");
    }

    public boolean isBasic() {
        return scheme.equals("basic");
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * Parses all challenges of one header value. Unknown schemes are kept (callers pick the one
     * they support); a malformed header yields what could be parsed before the damage.
     */
    public static List<AuthChallenge> parse(String header) {
        List<AuthChallenge> challenges = new ArrayList<>();
        if (header == null) {
            return challenges;
        }
        Lexer lx = new Lexer(header);
        while (true) {
            lx.skipSeparators();
            String scheme = lx.token();
            if (scheme.isEmpty()) {
                break;
            }
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                lx.skipSeparators();
                int mark = lx.pos;
                String name = lx.token();
                lx.skipSpaces();
                if (name.isEmpty()) {
                    break; // the end, or a separator before the next challenge
                }
                if (!lx.consume('=')) {
                    lx.pos = mark; // a bare token: the next challenge's scheme
                    break;
                }
                lx.skipSpaces();
                String value = lx.peek() == '"' ? lx.quoted() : lx.token();
                params.put(name.toLowerCase(Locale.ROOT), value);
                lx.skipSpaces();
                if (!lx.consume(',')) {
                    break;
                }
            }
            challenges.add(new AuthChallenge(scheme, params));
        }
        return challenges;
    }

    /** The challenge jrun answers: Bearer if offered, else Basic, else none. */
    public static Optional<AuthChallenge> preferred(List<String> headerValues) {
        List<AuthChallenge> all = new ArrayList<>();
        for (String value : headerValues) {
            all.addAll(parse(value));
        }
        return all.stream().filter(AuthChallenge::isBearer).findFirst()
                .or(() -> all.stream().filter(AuthChallenge::isBasic).findFirst());
    }

    private static final class Lexer {
        final String s;
        int pos;

        Lexer(String s) {
            this.s = s;
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : 0;
        }

        boolean consume(char c) {
            if (peek() == c && pos < s.length()) {
                pos++;
                return true;
            }
            return false;
        }

        void skipSpaces() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        void skipSeparators() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == ',')) {
                pos++;
            }
        }

        /** An RFC 7230 token: up to whitespace, ',', '=', '"' or ';'. */
        String token() {
            int start = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c <= ' ' || c == ',' || c == '=' || c == '"' || c == ';' || c >= 127) {
                    break;
                }
                pos++;
            }
            return s.substring(start, pos);
        }

        String quoted() {
            StringBuilder sb = new StringBuilder();
            pos++; // opening quote
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) {
                    sb.append(s.charAt(pos++));
                } else if (c == '"') {
                    return sb.toString();
                } else {
                    sb.append(c);
                }
            }
            return sb.toString(); // unterminated: take what is there
        }
    }
}
