package io.jrun.runtime.spec;

import java.util.List;

/**
 * A lifecycle hook: a program on the host run with the container's state on its stdin.
 *
 * @param path    an absolute path on the host
 * @param args    its argv, {@code args[0]} included (the path's name when empty)
 * @param env     its environment, "K=V"
 * @param timeout seconds before it is killed, or null for none
 */
public record Hook(String path, List<String> args, List<String> env, Integer timeout) {
    public Hook {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("a hook's path must be absolute, not \"" + path + "\"");
        }
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        if (timeout != null && timeout <= 0) {
            throw new IllegalArgumentException("a hook's timeout must be positive, not " + timeout);
        }
    }
}
