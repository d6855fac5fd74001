package io.jrun.runtime.spec;

import java.util.List;

/**
 * {@code hooks}. jrun runs {@code prestart} and {@code createRuntime} on the host once the
 * container's namespaces exist and before the root is pivoted, {@code poststart} after
 * {@code start}, and {@code poststop} at {@code delete}. {@code createContainer} and
 * {@code startContainer} run inside the container and are refused: the app is started by
 * posix_spawn from a thread of the JVM, which runs no program of its own in between.
 */
public record Hooks(List<Hook> prestart, List<Hook> createRuntime, List<Hook> createContainer,
                    List<Hook> startContainer, List<Hook> poststart, List<Hook> poststop) {
    public static final Hooks NONE = new Hooks(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

    public Hooks {
        prestart = copy(prestart);
        createRuntime = copy(createRuntime);
        createContainer = copy(createContainer);
        startContainer = copy(startContainer);
        poststart = copy(poststart);
        poststop = copy(poststop);
    }

    public boolean isEmpty() {
        return prestart.isEmpty() && createRuntime.isEmpty() && createContainer.isEmpty() && startContainer.isEmpty()
                && poststart.isEmpty() && poststop.isEmpty();
    }

    private static List<Hook> copy(List<Hook> hooks) {
        return hooks == null ? List.of() : List.copyOf(hooks);
    }
}
