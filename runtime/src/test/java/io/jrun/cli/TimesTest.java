package io.jrun.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ages in list's and image list's tables, and the durations flags take. */
class TimesTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static String ago(Duration d) {
        return Times.ago(NOW.minus(d), NOW);
    }

    @Test
    void agesAreSingularForOne() {
        assertThat(ago(Duration.ofSeconds(59))).isEqualTo("just now");
        assertThat(ago(Duration.ofSeconds(61))).isEqualTo("1 minute ago");
        assertThat(ago(Duration.ofMinutes(2))).isEqualTo("2 minutes ago");
        assertThat(ago(Duration.ofMinutes(61))).isEqualTo("1 hour ago");
        assertThat(ago(Duration.ofHours(47))).isEqualTo("47 hours ago");
        assertThat(ago(Duration.ofDays(3))).isEqualTo("3 days ago");
        assertThat(Times.ago(null, NOW)).isEmpty();
    }

    @Test
    void durationsTakeDays() {
        assertThat(Times.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Times.parseDuration("1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(Times.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Times.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Times.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> Times.parseDuration("2w")).hasMessage("invalid duration '2w': use e.g. 10s, 5m, 1h30m, 2d or a number of seconds");
    }
}
