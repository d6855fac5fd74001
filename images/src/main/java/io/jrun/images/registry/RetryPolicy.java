package io.jrun.images.registry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When and how long to wait before repeating a registry request: exponential backoff with jitter
 * (a random wait between half and all of {@code min(maxDelay, baseDelay·2^(attempt-1))}, so
 * parallel pulls do not retry in lockstep), an upper bound on attempts, and the server's {@code Retry-After} honoured up to
 * {@code retryAfterCap}. Retried: 408, 429, 500, 502, 503, 504 and I/O failures; other 4xx are final.
 *
 * @param maxAttempts   total attempts including the first, at least 1
 * @param baseDelay     the first backoff step
 * @param maxDelay      the cap of one backoff step
 * @param retryAfterCap the longest Retry-After jrun will wait for
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration retryAfterCap) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5),
            Duration.ofSeconds(30));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (baseDelay.isNegative() || maxDelay.isNegative() || retryAfterCap.isNegative()) {
            throw new IllegalArgumentException("retry delays cannot be negative");
        }
    }

    /** Whether a response with this status is worth repeating. */
    public static boolean isRetryableStatus(int status) {
        return switch (status) {
            case 408, 429, 500, 502, 503, 504 -> true;
            default -> false;
        };
    }

    /** Whether another attempt may follow attempt number {@code attempt} (1-based). */
    public boolean canRetry(int attempt) {
        return attempt < maxAttempts;
    }

    /**
     * The wait after failed attempt number {@code attempt} (1-based). {@code retryAfterSeconds}
     * is the parsed Retry-After header or -1; it replaces the backoff, capped by retryAfterCap.
     */
    public Duration delay(int attempt, long retryAfterSeconds, RandomGenerator random) {
        if (retryAfterSeconds >= 0) {
            Duration asked = Duration.ofSeconds(retryAfterSeconds);
            return asked.compareTo(retryAfterCap) > 0 ? retryAfterCap : asked;
        }
        long base = baseDelay.toMillis();
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long step = Math.min(maxDelay.toMillis(), base << shift);
        if (step <= 1) {
            return Duration.ofMillis(step);
        }
        long half = step / 2;
        return Duration.ofMillis(half + random.nextLong(step - half + 1));
    }

    /** Parses a Retry-After header given in seconds; HTTP dates and junk give -1 (use backoff). */
    public static long parseRetryAfter(String header) {
        if (header == null) {
            return -1;
        }
        try {
            long seconds = Long.parseLong(header.strip());
            return seconds >= 0 ? seconds : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
