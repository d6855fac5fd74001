package io.jrun.linux;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class UuidsTest {
    @Test
    void versionFourIetfVariantAndDistinct() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            UUID u = Uuids.random();
            assertThat(u.version()).isEqualTo(4);
            assertThat(u.variant()).isEqualTo(2);
            assertThat(UUID.fromString(u.toString())).isEqualTo(u);
            seen.add(u);
        }
        assertThat(seen).hasSize(1000);
    }
}
