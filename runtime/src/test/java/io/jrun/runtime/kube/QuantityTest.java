package io.jrun.runtime.kube;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuantityTest {
    private static BigDecimal value(String text) {
        return Quantity.parse(text).value();
    }

    @Test
    void kubernetesExamplesAreExact() {
        // the examples of Kubernetes' "Resource units" documentation: all the same 128974848 bytes or near it
        assertThat(value("128974848")).isEqualByComparingTo("128974848");
        assertThat(value("129e6")).isEqualByComparingTo("129000000");
        assertThat(value("129M")).isEqualByComparingTo("129000000");
        assertThat(value("123Mi")).isEqualByComparingTo("128974848");
        assertThat(value("64Mi")).isEqualByComparingTo("67108864");
        assertThat(value("1G")).isEqualByComparingTo("1000000000");
        assertThat(value("1Gi")).isEqualByComparingTo("1073741824");
        assertThat(value("1.5Gi")).isEqualByComparingTo("1610612736");
        assertThat(value("1k")).isEqualByComparingTo("1000");
        assertThat(value("1Ki")).isEqualByComparingTo("1024");
        assertThat(value("2Ei")).isEqualByComparingTo(BigDecimal.valueOf(2).multiply(BigDecimal.valueOf(1L << 60)));
    }

    @Test
    void cpuQuantitiesAreExactInMillicores() {
        assertThat(value("500m")).isEqualByComparingTo("0.5");
        assertThat(Quantity.parse("500m").wholeMillis()).hasValue(500);
        assertThat(Quantity.parse("0.5").wholeMillis()).hasValue(500);
        assertThat(Quantity.parse(".1").wholeMillis()).hasValue(100);
        assertThat(Quantity.parse("2").wholeMillis()).hasValue(2000);
        assertThat(Quantity.parse("2.").wholeMillis()).hasValue(2000);
        assertThat(Quantity.parse("0.0005").wholeMillis()).as("finer than 1m").isEmpty();
        assertThat(Quantity.of(new BigDecimal("0.25")).wholeMillis()).hasValue(250);
    }

    @Test
    void exaSuffixAndExponentAreTold() {
        // "E" alone is exa (10^18); "E" followed by digits is a decimal exponent
        assertThat(value("1E")).isEqualByComparingTo("1000000000000000000");
        assertThat(value("1E3")).isEqualByComparingTo("1000");
        assertThat(value("1e3")).isEqualByComparingTo("1000");
        assertThat(value("15e-1")).isEqualByComparingTo("1.5");
        assertThat(value("1E+2")).isEqualByComparingTo("100");
    }

    @Test
    void signsAndWholeness() {
        assertThat(Quantity.parse("+1Mi").isNegative()).isFalse();
        assertThat(Quantity.parse("-1Mi").isNegative()).isTrue();
        assertThat(Quantity.parse("500m").wholeBytes()).as("half a byte").isEmpty();
        assertThat(Quantity.parse("1.5Ki").wholeBytes()).hasValue(1536);
        assertThat(Quantity.parse("9Ei").wholeBytes()).as("beyond a long").isEmpty();
        assertThat(Quantity.parse("7Ei").wholeBytes()).hasValue(7L << 60);
    }

    @Test
    void malformedQuantitiesAreRefused() {
        for (String bad : new String[] {"", "Mi", "1 Mi", "1mi", "1KB", "1MB", "1e", "1.2.3", "0x10", "1Mi ", "ten",
                "1e1000", "--1", "1u"}) {
            assertThatThrownBy(() -> Quantity.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("\"" + bad + "\" is not a Kubernetes quantity: write a number with an optional suffix,"
                            + " such as 500m, 0.5, 64Mi, 1G or 129e6");
        }
    }

    @Test
    void yamlNumbersKeepTheirValue() {
        Quantity q = Quantity.of(new BigDecimal("1.29E+8"));
        assertThat(q.text()).isEqualTo("129000000");
        assertThat(q.wholeBytes()).hasValue(129_000_000);
    }
}
