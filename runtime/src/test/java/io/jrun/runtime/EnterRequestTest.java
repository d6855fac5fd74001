package io.jrun.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class EnterRequestTest {
    @Test
    void aRequestIsCheckedBeforeAnyPodIsTouched() {
        assertThat(new EnterRequest(List.of(), List.of("A=1", "B="), null, null).command()).isEmpty();
        assertThatThrownBy(() -> new EnterRequest(List.of(""), List.of(), null, null)).hasMessageContaining("empty");
        assertThatThrownBy(() -> new EnterRequest(List.of("sh"), List.of("=x"), null, null)).hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> new EnterRequest(List.of("sh"), List.of(), "tmp", null)).hasMessageContaining("absolute");
    }
}
