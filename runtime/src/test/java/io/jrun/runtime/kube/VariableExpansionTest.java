package io.jrun.runtime.kube;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VariableExpansionTest {
    private static final Map<String, String> VARS = Map.of("PORT", "8080", "HOST", "db", "EMPTY", "");

    @Test
    void definedVariablesAreReplaced() {
        assertThat(VariableExpansion.expand("--listen=$(HOST):$(PORT)", VARS)).isEqualTo("--listen=db:8080");
        assertThat(VariableExpansion.expand("$(EMPTY)x", VARS)).isEqualTo("x");
        assertThat(VariableExpansion.expand("$(PORT)$(PORT)", VARS)).isEqualTo("80808080");
    }

    @Test
    void anythingElseStaysAsWritten() {
        // as Kubernetes: an undefined reference, $$ as an escape, a lone or unclosed $
        assertThat(VariableExpansion.expand("echo $(date)", VARS)).isEqualTo("echo $(date)");
        assertThat(VariableExpansion.expand("$$(PORT)", VARS)).isEqualTo("$(PORT)");
        assertThat(VariableExpansion.expand("cost: 5$", VARS)).isEqualTo("cost: 5$");
        assertThat(VariableExpansion.expand("$HOME and ${PORT}", VARS)).isEqualTo("$HOME and ${PORT}");
        assertThat(VariableExpansion.expand("$(PORT", VARS)).isEqualTo("$(PORT");
        assertThat(VariableExpansion.expand("a$$$(PORT)", VARS)).isEqualTo("a$8080");
        assertThat(VariableExpansion.expand("", VARS)).isEmpty();
    }
}
