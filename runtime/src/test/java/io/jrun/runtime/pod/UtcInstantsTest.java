package io.jrun.runtime.pod;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UtcInstantsTest {
    @Test
    void agreesWithInstantParseOnWhatInstantToStringWrites() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(0, 253_402_300_799L), random.nextInt(4) == 0
                    ? 0 : random.nextInt(1_000_000_000) / (int) Math.pow(10, random.nextInt(7)) * (int) Math.pow(10, random.nextInt(3)));
            String text = instant.toString();
            assertThat(UtcInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
        for (String text : new String[] {"1970-01-01T00:00:00Z", "2026-11-24T02:36:12.1Z", "2000-02-29T23:59:59.999999999Z"}) {
            assertThat(UtcInstants.parse(text)).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void otherShapesAreInstantParsesAndBadOnesFailAsItDoes() {
        // java.time's own leniencies (a year past 9999, 24:00, an empty fraction) stay
        for (String odd : new String[] {"+12026-01-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00.Z"}) {
            assertThat(UtcInstants.parse(odd)).as(odd).isEqualTo(Instant.parse(odd));
        }
        for (String bad : new String[] {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T25:00:00Z",
                "2026-01-01T00:00:00.x1Z", "2026-01-0xT00:00:00Z", "yesterday"}) {
            assertThatThrownBy(() -> UtcInstants.parse(bad)).as(bad).isInstanceOf(java.time.DateTimeException.class);
        }
        assertThatThrownBy(() -> UtcInstants.parse("garbage but long enough!Z")).isInstanceOf(DateTimeParseException.class);
    }
}
