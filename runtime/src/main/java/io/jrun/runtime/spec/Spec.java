package io.jrun.runtime.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI runtime configuration (runtime-spec 1.x {@code config.json}).
 *
 * @param ociVersion  the specification version the configuration follows
 * @param process     what runs in the container
 * @param root        the container's root file system (a path, relative to the bundle or absolute)
 * @param hostname    the UTS namespace's host name, or null to keep the one inherited
 * @param domainname  the UTS namespace's NIS domain name, or null
 * @param mounts      mounted in order over the root; an {@code overlay} mount on {@code /}
 *                    becomes the root itself (see the package documentation)
 * @param hooks       programs the runtime runs at points of the lifecycle
 * @param annotations arbitrary metadata, and jrun's extensions ({@link Annotations})
 * @param linux       the Linux-specific part
 */
public record Spec(String ociVersion, Process process, Root root, String hostname, String domainname,
                   List<Mount> mounts, Hooks hooks, Map<String, String> annotations, Linux linux) {
    /** The specification version jrun writes and reads. */
    public static final String OCI_VERSION = "1.2.0";

    public Spec {
        if (ociVersion == null || ociVersion.isEmpty()) {
            throw new IllegalArgumentException("ociVersion is missing");
        }
        if (root == null) {
            throw new IllegalArgumentException("root is missing: the configuration names no root file system");
        }
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        hooks = hooks == null ? Hooks.NONE : hooks;
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        linux = linux == null ? Linux.builder().build() : linux;
    }

    /** An annotation's value. */
    public Optional<String> annotation(String key) {
        return Optional.ofNullable(annotations.get(key));
    }

    /** The process, which a container needs before it can be created. */
    public Process requireProcess() {
        if (process == null) {
            throw new IllegalArgumentException("the configuration has no process: nothing to run");
        }
        return process;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.ociVersion = ociVersion;
        b.process = process;
        b.root = root;
        b.hostname = hostname;
        b.domainname = domainname;
        b.mounts.addAll(mounts);
        b.hooks = hooks;
        b.annotations.putAll(annotations);
        b.linux = linux;
        return b;
    }

    public static final class Builder {
        private String ociVersion = OCI_VERSION;
        private Process process;
        private Root root;
        private String hostname;
        private String domainname;
        private final List<Mount> mounts = new ArrayList<>();
        private Hooks hooks = Hooks.NONE;
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private Linux linux;

        private Builder() {
        }

        public Builder ociVersion(String v) {
            ociVersion = v;
            return this;
        }

        public Builder process(Process v) {
            process = v;
            return this;
        }

        public Builder root(Root v) {
            root = v;
            return this;
        }

        public Builder hostname(String v) {
            hostname = v;
            return this;
        }

        public Builder domainname(String v) {
            domainname = v;
            return this;
        }

        public Builder mount(Mount v) {
            mounts.add(v);
            return this;
        }

        public Builder mounts(List<Mount> v) {
            mounts.clear();
            mounts.addAll(v);
            return this;
        }

        public Builder hooks(Hooks v) {
            hooks = v;
            return this;
        }

        public Builder annotation(String key, String value) {
            annotations.put(key, value);
            return this;
        }

        public Builder annotations(Map<String, String> v) {
            annotations.clear();
            annotations.putAll(v);
            return this;
        }

        public Builder linux(Linux v) {
            linux = v;
            return this;
        }

        public Spec build() {
            return new Spec(ociVersion, process, root, hostname, domainname, mounts, hooks, annotations, linux);
        }
    }
}
