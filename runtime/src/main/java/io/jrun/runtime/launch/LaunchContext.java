package io.jrun.runtime.launch;

import io.jrun.runtime.cgroup.CgroupParent;
import io.jrun.runtime.seccomp.SeccompCache;

import java.nio.file.Path;

/**
 * What a launch needs besides the container's {@link io.jrun.runtime.spec.Spec}: where it
 * lives on the host and how it is wired to its caller. Built with {@link #builder}.
 *
 * @param id            the container's ID (for hooks' state and messages)
 * @param bundle        the bundle directory: a relative {@code root.path} and relative bind
 *                      sources are resolved against it
 * @param gateDir       where the gate FIFO's directory is made (it must not exist; its parent must)
 * @param stdio         the app's stdin, stdout and stderr, or a terminal
 * @param compat        how to cope with older kernels
 * @param listener      told the app's pid while it waits in its gate
 * @param preserveFds   how many of jrun's descriptors from 3 on the app gets at the same numbers
 *                      (runc's {@code --preserve-fds}; systemd socket activation)
 * @param cgroupParent  the parent a relative (or absent) {@code linux.cgroupsPath} is taken under,
 *                      or null to find the default one ({@link CgroupParent#resolve})
 * @param seccompCache  compiled filters, reused across launches
 * @param noCgroups     the container gets no cgroup of its own, and linux.resources are ignored
 *                      (crun's --cgroup-manager=disabled, which podman asks for with --cgroups=disabled)
 */
public record LaunchContext(String id, Path bundle, Path gateDir, Stdio stdio, KernelCompat compat,
                            LaunchListener listener, int preserveFds, CgroupParent cgroupParent,
                            SeccompCache seccompCache, boolean noCgroups) {
    public LaunchContext {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("a launch needs the container's ID");
        }
        if (bundle == null || !bundle.isAbsolute()) {
            throw new IllegalArgumentException("the bundle must be an absolute path: " + bundle);
        }
        if (gateDir == null || !gateDir.isAbsolute()) {
            throw new IllegalArgumentException("the gate's directory must be an absolute path: " + gateDir);
        }
        stdio = stdio == null ? Stdio.inherit() : stdio;
        compat = compat == null ? KernelCompat.AUTO : compat;
        listener = listener == null ? LaunchListener.NONE : listener;
        if (preserveFds < 0) {
            throw new IllegalArgumentException("preserveFds must not be negative: " + preserveFds);
        }
        if (seccompCache == null) {
            throw new IllegalArgumentException("a launch needs a seccomp cache");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String id;
        private Path bundle;
        private Path gateDir;
        private Stdio stdio = Stdio.inherit();
        private KernelCompat compat = KernelCompat.AUTO;
        private LaunchListener listener = LaunchListener.NONE;
        private int preserveFds;
        private CgroupParent cgroupParent;
        private SeccompCache seccompCache;
        private boolean noCgroups;

        private Builder() {
        }

        public Builder id(String v) {
            id = v;
            return this;
        }

        public Builder bundle(Path v) {
            bundle = v;
            return this;
        }

        public Builder gateDir(Path v) {
            gateDir = v;
            return this;
        }

        public Builder stdio(Stdio v) {
            stdio = v;
            return this;
        }

        public Builder compat(KernelCompat v) {
            compat = v;
            return this;
        }

        public Builder listener(LaunchListener v) {
            listener = v;
            return this;
        }

        public Builder preserveFds(int v) {
            preserveFds = v;
            return this;
        }

        public Builder cgroupParent(CgroupParent v) {
            cgroupParent = v;
            return this;
        }

        public Builder seccompCache(SeccompCache v) {
            seccompCache = v;
            return this;
        }

        public Builder noCgroups(boolean v) {
            noCgroups = v;
            return this;
        }

        public LaunchContext build() {
            return new LaunchContext(id, bundle, gateDir, stdio, compat, listener, preserveFds, cgroupParent, seccompCache,
                    noCgroups);
        }
    }
}
