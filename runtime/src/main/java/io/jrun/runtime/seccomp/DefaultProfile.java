package io.jrun.runtime.seccomp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * jrun's built-in profile, the resource {@code default.json} next to this class: equal in
 * effect to docker's default (moby's profiles/seccomp) for x86_64 and aarch64. An allow-list
 * with EPERM for the rest; capability-gated rules (mount and namespaces need CAP_SYS_ADMIN,
 * ptrace CAP_SYS_PTRACE, ...); clone without namespace flags; clone3 ENOSYS unless
 * CAP_SYS_ADMIN, so glibc falls back to the clone the filter can inspect; personality limited
 * to the harmless personas; socket limited to an allow-list of address families, without
 * AF_VSOCK (host-guest sockets, not network-namespaced) and AF_ALG (kernel crypto, CVE-2026-31431);
 * io_uring, keyctl, add_key, bpf, perf_event_open, kexec_load, open_by_handle_at and the like
 * are not on the list. docs/security.md has the details.
 */
public final class DefaultProfile {
    private DefaultProfile() {
    }

    public static final String SOURCE = "(the built-in default)";

    private static final class Holder {
        static final SeccompProfile PROFILE = load();
    }

    public static SeccompProfile get() {
        return Holder.PROFILE;
    }

    private static SeccompProfile load() {
        try (InputStream in = DefaultProfile.class.getResourceAsStream("default.json")) {
            if (in == null) {
                throw new IllegalStateException("jrun is incomplete: resource io/jrun/runtime/seccomp/default.json is missing");
            }
            return ProfileParser.parse(in.readAllBytes(), SOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in seccomp profile", e);
        } catch (SeccompProfileException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
