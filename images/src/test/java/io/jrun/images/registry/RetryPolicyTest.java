package io.jrun.images.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {
    private final RetryPolicy policy = RetryPolicy.DEFAULT;

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void transientStatusesAreRetried(int status) {
        assertThat(RetryPolicy.isRetryableStatus(status)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 206, 301, 400, 401, 403, 404, 405, 416, 501, 505})
    void otherStatusesAreFinal(int status) {
        assertThat(RetryPolicy.isRetryableStatus(status)).isFalse();
    }

    @Test
    void defaultIsFourAttempts() {
        assertThat(policy.canRetry(1)).isTrue();
        assertThat(policy.canRetry(3)).isTrue();
        assertThat(policy.canRetry(4)).isFalse();
    }

    @Test
    void backoffDoublesWithJitterWithinHalfAndFullStep() {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            assertThat(policy.delay(1, -1, random)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
            assertThat(policy.delay(2, -1, random)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
            assertThat(policy.delay(3, -1, random)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
        }
    }

    @Test
    void backoffIsCapped() {
        Random random = new Random(7);
        for (int attempt = 5; attempt < 100; attempt++) {
            assertThat(policy.delay(attempt, -1, random)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
        }
    }

    @Test
    void jitterActuallyVaries() {
        Random random = new Random(1);
        long distinct = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> policy.delay(3, -1, random)).distinct().count();
        assertThat(distinct).isGreaterThan(10);
    }

    @Test
    void retryAfterReplacesBackoffAndIsCapped() {
        Random random = new Random(3);
        assertThat(policy.delay(1, 0, random)).isEqualTo(Duration.ZERO);
        assertThat(policy.delay(1, 7, random)).isEqualTo(Duration.ofSeconds(7));
        assertThat(policy.delay(1, 3600, random)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void parsesRetryAfterSecondsOnly() {
        assertThat(RetryPolicy.parseRetryAfter("12")).isEqualTo(12);
        assertThat(RetryPolicy.parseRetryAfter(" 3 ")).isEqualTo(3);
        assertThat(RetryPolicy.parseRetryAfter(null)).isEqualTo(-1);
        assertThat(RetryPolicy.parseRetryAfter("-5")).isEqualTo(-1);
        assertThat(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(-1);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofMillis(-1), Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
