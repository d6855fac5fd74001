package io.jrun.runtime.kube;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity ({@code 500m}, {@code 64Mi}, {@code 1G}, {@code 128974848},
 * {@code 129e6}), held exactly: the grammar of k8s.io/apimachinery's resource.Quantity, a signed
 * decimal number followed by a binary suffix (Ki Mi Gi Ti Pi Ei, powers of 1024), a decimal one
 * (m k M G T P E) or a decimal exponent ({@code e3}, {@code E-2}). "1E" is an exa; "1E3" is
 * 1000. Nothing is rounded here: {@link #wholeBytes()} and {@link #wholeMillis()} refuse what
 * is not whole, where Kubernetes would silently round up.
 *
 * @param text  as written in the manifest (a YAML number is written as its decimal value)
 * @param value the exact value, in base units (bytes, CPUs)
 */
public record Quantity(String text, BigDecimal value) {
    /** Kubernetes' grammar; the exponent is bounded so that a value cannot explode (1e999999999). */
    private static final Pattern GRAMMAR = Pattern.compile(
            "([+-]?)([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]{1,3}|[mkMGTPE]?)");

    /** Parses {@code text}; an IllegalArgumentException says what is wrong, for one line. */
    public static Quantity parse(String text) {
        Matcher m = GRAMMAR.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a Kubernetes quantity: write a number with an"
                    + " optional suffix, such as 500m, 0.5, 64Mi, 1G or 129e6");
        }
        BigDecimal number = new BigDecimal(m.group(2).startsWith(".") ? "0" + m.group(2) : m.group(2));
        if (m.group(1).equals("-")) {
            number = number.negate();
        }
        String suffix = m.group(3);
        BigDecimal value = switch (suffix) {
            case "" -> number;
            case "m" -> number.scaleByPowerOfTen(-3);
            case "k" -> number.scaleByPowerOfTen(3);
            case "M" -> number.scaleByPowerOfTen(6);
            case "G" -> number.scaleByPowerOfTen(9);
            case "T" -> number.scaleByPowerOfTen(12);
            case "P" -> number.scaleByPowerOfTen(15);
            case "E" -> number.scaleByPowerOfTen(18);
            case "Ki" -> number.multiply(BigDecimal.valueOf(1L << 10));
            case "Mi" -> number.multiply(BigDecimal.valueOf(1L << 20));
            case "Gi" -> number.multiply(BigDecimal.valueOf(1L << 30));
            case "Ti" -> number.multiply(BigDecimal.valueOf(1L << 40));
            case "Pi" -> number.multiply(BigDecimal.valueOf(1L << 50));
            case "Ei" -> number.multiply(BigDecimal.valueOf(1L << 60));
            default -> number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        };
        return new Quantity(text, value);
    }

    /** A YAML number ({@code memory: 128974848}, {@code cpu: 0.5}), whose value is exact already. */
    public static Quantity of(BigDecimal number) {
        return new Quantity(number.stripTrailingZeros().toPlainString(), number);
    }

    public boolean isNegative() {
        return value.signum() < 0;
    }

    /** The value as a whole number of bytes; empty when it has a fraction or exceeds a long. */
    public OptionalLong wholeBytes() {
        return whole(value);
    }

    /** The value in thousandths (millicores for CPU); empty when finer than 1m or beyond a long. */
    public OptionalLong wholeMillis() {
        return whole(value.scaleByPowerOfTen(3));
    }

    private static OptionalLong whole(BigDecimal v) {
        if (v.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 || v.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
            return OptionalLong.empty();
        }
        if (v.setScale(0, RoundingMode.DOWN).compareTo(v) != 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(v.longValueExact());
    }

    @Override
    public String toString() {
        return text;
    }
}
