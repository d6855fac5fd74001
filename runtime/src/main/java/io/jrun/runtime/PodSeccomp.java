package io.jrun.runtime;

import io.jrun.runtime.pod.PodLease;
import io.jrun.runtime.pod.PodStatus;
import io.jrun.runtime.seccomp.DefaultProfile;
import io.jrun.runtime.seccomp.SeccompCache;
import io.jrun.runtime.seccomp.SeccompOption;
import io.jrun.runtime.seccomp.SeccompProfileException;
import io.jrun.runtime.seccomp.SeccompProgram;
import io.jrun.runtime.seccomp.SeccompTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

/**
 * A pod's seccomp profile, as {@code jrun run} chose it and {@code jrun enter} applies it
 * again. pod.json records {@link #recorded()}: "default", "unconfined", or the path of the
 * custom profile given; the pod directory keeps a copy of a custom profile's bytes
 * ({@link PodLease#SECCOMP_PROFILE}), and both the app's filter and every entered process's
 * are compiled from those bytes, so changing or removing the user's file later changes
 * neither. The built-in default is the running jrun's.
 */
final class PodSeccomp {
    static final String DEFAULT = "default";
    static final String UNCONFINED = "unconfined";

    private final String recorded;
    private final byte[] customProfile; // null unless a custom profile

    private PodSeccomp(String recorded, byte[] customProfile) {
        this.recorded = recorded;
        this.customProfile = customProfile;
    }

    /** The profile of {@code --security-opt}, a custom one read once, for a new pod. */
    static PodSeccomp of(SeccompOption option) throws SeccompProfileException {
        return switch (option.kind()) {
            case DEFAULT -> new PodSeccomp(DEFAULT, null);
            case UNCONFINED -> new PodSeccomp(UNCONFINED, null);
            case FILE -> {
                String path = option.profileFile().toString();
                try {
                    yield new PodSeccomp(path, Files.readAllBytes(option.profileFile()));
                } catch (NoSuchFileException e) {
                    throw new SeccompProfileException(path, "no such file");
                } catch (IOException e) {
                    throw new SeccompProfileException(path, "cannot read: " + e.getMessage());
                }
            }
        };
    }

    /**
     * The profile a running pod's app was started with, from its pod.json and its copy; empty
     * for a pod made by a jrun that did not record it.
     */
    static Optional<PodSeccomp> ofPod(PodStatus pod) throws IOException {
        String recorded = pod.manifest() == null ? null : pod.manifest().seccomp();
        if (recorded == null) {
            return Optional.empty();
        }
        if (recorded.equals(DEFAULT) || recorded.equals(UNCONFINED)) {
            return Optional.of(new PodSeccomp(recorded, null));
        }
        return Optional.of(new PodSeccomp(recorded, Files.readAllBytes(pod.dir().resolve(PodLease.SECCOMP_PROFILE))));
    }

    /** What pod.json records. */
    String recorded() {
        return recorded;
    }

    /** The custom profile's bytes, for the pod directory's copy; empty for the others. */
    Optional<byte[]> customProfile() {
        return Optional.ofNullable(customProfile).map(byte[]::clone);
    }

    /**
     * The filter for {@code target}, through {@code cache}; empty for unconfined. Errors name
     * the user's file.
     */
    Optional<SeccompProgram> compile(SeccompTarget target, SeccompCache cache) throws SeccompProfileException {
        if (recorded.equals(UNCONFINED)) {
            return Optional.empty();
        }
        return Optional.of(customProfile == null ? cache.compile(SeccompCache.defaultSource(), DefaultProfile.SOURCE, target)
                : cache.compile(customProfile, recorded, target));
    }
}
