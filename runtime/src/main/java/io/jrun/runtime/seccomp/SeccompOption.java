package io.jrun.runtime.seccomp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The seccomp part of {@code --security-opt}: {@code seccomp=unconfined} turns filtering off,
 * {@code seccomp=FILE.json} takes a docker/OCI-format profile, and without the option (or with
 * {@code seccomp=builtin}, as docker spells it) the built-in default applies. docker's older
 * {@code seccomp:VALUE} form is accepted too.
 *
 * @param profileFile the profile's path, null for the default and for unconfined
 */
public record SeccompOption(Kind kind, Path profileFile) {
    public enum Kind { DEFAULT, UNCONFINED, FILE }

    public static final SeccompOption DEFAULT = new SeccompOption(Kind.DEFAULT, null);
    public static final SeccompOption UNCONFINED = new SeccompOption(Kind.UNCONFINED, null);

    public SeccompOption {
        if ((kind == Kind.FILE) != (profileFile != null)) {
            throw new IllegalArgumentException("a profile file goes with Kind.FILE, and only with it");
        }
    }

    /** Whether {@code securityOpt} (one --security-opt value) is about seccomp. */
    public static boolean isSeccomp(String securityOpt) {
        return securityOpt.startsWith("seccomp=") || securityOpt.startsWith("seccomp:");
    }

    /** Parses {@code seccomp=unconfined}, {@code seccomp=builtin} or {@code seccomp=PATH}. */
    public static SeccompOption parse(String securityOpt) {
        if (!isSeccomp(securityOpt)) {
            throw new IllegalArgumentException("not a seccomp option: \"" + securityOpt
                    + "\"; use --security-opt seccomp=unconfined or seccomp=FILE.json");
        }
        String value = securityOpt.substring("seccomp=".length());
        if (value.isEmpty()) {
            throw new IllegalArgumentException("--security-opt seccomp= needs a value: unconfined or a profile's path");
        }
        return switch (value) {
            case "unconfined" -> UNCONFINED;
            case "builtin" -> DEFAULT;
            default -> new SeccompOption(Kind.FILE, Path.of(value).toAbsolutePath().normalize());
        };
    }

    /** The profile to apply; empty for unconfined. Reads and checks a profile file. */
    public Optional<SeccompProfile> profile() throws SeccompProfileException {
        return switch (kind) {
            case UNCONFINED -> Optional.empty();
            case DEFAULT -> Optional.of(DefaultProfile.get());
            case FILE -> {
                byte[] json;
                try {
                    json = Files.readAllBytes(profileFile);
                } catch (NoSuchFileException e) {
                    throw new SeccompProfileException(profileFile.toString(), "no such file");
                } catch (IOException e) {
                    throw new SeccompProfileException(profileFile.toString(), "cannot read: " + e.getMessage());
                }
                yield Optional.of(ProfileParser.parse(json, profileFile.toString()));
            }
        };
    }

    /** The compiled filter for {@code target}; empty for unconfined. */
    public Optional<SeccompProgram> compile(SeccompTarget target) throws SeccompProfileException {
        Optional<SeccompProfile> profile = profile();
        return profile.isEmpty() ? Optional.empty() : Optional.of(SeccompCompiler.compile(profile.get(), target));
    }
}
