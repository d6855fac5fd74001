package io.jrun.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds jrun's picocli commands in code, bound to the commands' fields, instead of through
 * picocli's annotations.
 *
 * <p>Why: reading the annotations costs a cold JVM about 100 ms, most of it the JDK making a
 * dynamic proxy class for each annotation type (Command, Option, Parameters, Mixin, …) and
 * calling every attribute through it. The AOT cache cannot hold those proxy classes. A spec
 * built in code involves neither: parsing, help and error messages stay picocli's.
 */
public final class Specs {
    private Specs() {
    }

    /** A command with picocli's standard -h/--help and -V/--version (built here: picocli's own mixin is annotated). */
    public static CommandSpec command(Object command, String name, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
        spec.usageMessage().description(sentences(description));
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return spec;
    }

    /**
     * The description as one sentence per line: picocli prints each element on a line of its
     * own, and its first is the summary in the command list, so an element may not end
     * mid-sentence (source lines may: they are joined, then split after each sentence).
     */
    static String[] sentences(String... description) {
        String text = String.join(" ", description).strip();
        return text.isEmpty() ? new String[0] : text.split("(?<=[.!?])\\s+(?=[A-Z])");
    }

    /** A flag: true when given. */
    public static OptionSpec.Builder flag(Consumer<Boolean> set, Supplier<Boolean> get, String... names) {
        Binding<Boolean> binding = new Binding<>(set, get);
        return OptionSpec.builder(names).type(boolean.class).arity("0").initialValue(get.get())
                .setter(binding).getter(binding);
    }

    /** An option with one value of {@code type}, converted by picocli. */
    public static <T> OptionSpec.Builder option(Class<T> type, String label, Consumer<T> set, Supplier<T> get,
            String... names) {
        Binding<T> binding = new Binding<>(set, get);
        return OptionSpec.builder(names).type(type).paramLabel(label).initialValue(get.get())
                .setter(binding).getter(binding);
    }

    /** A repeatable option: each value is added to the list. */
    public static OptionSpec.Builder repeatable(String label, Consumer<List<String>> set, Supplier<List<String>> get,
            String... names) {
        Binding<List<String>> binding = new Binding<>(set, get);
        return OptionSpec.builder(names).type(List.class).auxiliaryTypes(String.class).paramLabel(label)
                .initialValue(get.get()).setter(binding).getter(binding);
    }

    /** A required positional parameter of one String at {@code index}. */
    public static PositionalParamSpec.Builder positional(String index, String label, Consumer<String> set,
            Supplier<String> get) {
        Binding<String> binding = new Binding<>(set, get);
        return PositionalParamSpec.builder().index(index).type(String.class).arity("1").required(true)
                .paramLabel(label).initialValue(get.get()).setter(binding).getter(binding);
    }

    /**
     * Positional parameters at {@code index} (a range), collected into a list; at least one
     * when {@code required}.
     */
    public static PositionalParamSpec.Builder positionals(String index, boolean required, String label,
            Consumer<List<String>> set, Supplier<List<String>> get) {
        Binding<List<String>> binding = new Binding<>(set, get);
        return PositionalParamSpec.builder().index(index).type(List.class).auxiliaryTypes(String.class)
                .arity(required ? "1..*" : "0..*").required(required)
                .paramLabel(label).initialValue(get.get()).setter(binding).getter(binding);
    }

    /** A field, as picocli's getter and setter see it. */
    private static final class Binding<T> implements IGetter, ISetter {
        private final Consumer<T> setter;
        private final Supplier<T> getter;

        Binding(Consumer<T> setter, Supplier<T> getter) {
            this.setter = setter;
            this.getter = getter;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) getter.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V value) {
            V previous = (V) getter.get();
            setter.accept((T) value);
            return previous;
        }
    }
}
