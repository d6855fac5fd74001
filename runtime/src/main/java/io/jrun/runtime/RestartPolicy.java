package io.jrun.runtime;

import java.util.Locale;

/**
 * When an app of a pod is started again after it exits: {@code no} (the default),
 * {@code on-failure[:N]} (after a non-zero exit, at most N times; without N, without limit) or
 * {@code always} (after any exit, while the pod's other apps run). Docker's and Kubernetes' words.
 *
 * @param kind       the rule
 * @param maxRetries with {@code on-failure:N}, N; otherwise 0 (no limit)
 */
public record RestartPolicy(Kind kind, int maxRetries) {
    public static final RestartPolicy NO = new RestartPolicy(Kind.NO, 0);

    public enum Kind { NO, ON_FAILURE, ALWAYS }

    public RestartPolicy {
        if (maxRetries < 0 || (maxRetries > 0 && kind != Kind.ON_FAILURE)) {
            throw new IllegalArgumentException("a restart limit is only for on-failure, and not negative: use on-failure:N");
        }
    }

    /** {@code no}, {@code on-failure}, {@code on-failure:N} or {@code always}. */
    public static RestartPolicy parse(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals("no")) {
            return NO;
        }
        if (t.equals("always")) {
            return new RestartPolicy(Kind.ALWAYS, 0);
        }
        if (t.equals("on-failure")) {
            return new RestartPolicy(Kind.ON_FAILURE, 0);
        }
        if (t.startsWith("on-failure:")) {
            try {
                int n = Integer.parseInt(t.substring("on-failure:".length()));
                if (n > 0) {
                    return new RestartPolicy(Kind.ON_FAILURE, n);
                }
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw new IllegalArgumentException("invalid restart policy '" + text + "': use no, on-failure[:N] or always");
    }

    /** Whether an app that exited with {@code exitCode} after {@code restarts} restarts is started again. */
    public boolean restarts(int exitCode, int restarts) {
        return switch (kind) {
            case NO -> false;
            case ALWAYS -> true;
            case ON_FAILURE -> exitCode != 0 && (maxRetries == 0 || restarts < maxRetries);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NO -> "no";
            case ALWAYS -> "always";
            case ON_FAILURE -> maxRetries == 0 ? "on-failure" : "on-failure:" + maxRetries;
        };
    }
}
