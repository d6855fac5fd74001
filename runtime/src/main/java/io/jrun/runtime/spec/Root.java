package io.jrun.runtime.spec;

/**
 * The container's root file system.
 *
 * @param path     a directory, absolute or relative to the bundle
 * @param readonly the root is mounted read-only
 */
public record Root(String path, boolean readonly) {
    public Root {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("root.path is missing");
        }
    }
}
