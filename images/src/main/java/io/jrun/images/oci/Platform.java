package io.jrun.images.oci;

import java.util.Locale;

/**
 * An image platform: os/architecture[/variant], with the OCI spelling of architectures
 * (amd64, arm64, arm, 386, ppc64le, s390x, riscv64).
 */
public record Platform(String os, String architecture, String variant) {

    public Platform {
        if (os == null || os.isEmpty() || architecture == null || architecture.isEmpty()) {
            throw new IllegalArgumentException("a platform needs an os and an architecture, e.g. linux/amd64");
        }
        variant = variant == null || variant.isEmpty() ? null : variant;
    }

    /** Parses {@code os/arch[/variant]} as --platform takes it. */
    public static Platform parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()
                || (parts.length == 3 && parts[2].isEmpty())) {
            throw new IllegalArgumentException("invalid platform '" + text + "': expected OS/ARCH[/VARIANT], e.g. linux/arm64");
        }
        return new Platform(parts[0], normalizeArchitecture(parts[1]), parts.length == 3 ? parts[2] : null);
    }

    /** The platform of the running host, in OCI spelling. */
    public static Platform host() {
        String arch = normalizeArchitecture(System.getProperty("os.arch"));
        String variant = arch.equals("arm64") ? "v8" : null;
        return new Platform("linux", arch, variant);
    }

    static String normalizeArchitecture(String arch) {
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64", "x86-64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "i386", "i486", "i586", "i686", "x86", "386" -> "386";
            case "arm", "armhf", "armel" -> "arm";
            default -> arch.toLowerCase(Locale.ROOT);
        };
    }

    /**
     * Whether an index entry for {@code candidate} can run here when the user asked for this
     * platform. A missing variant on either side matches (arm64 images rarely carry "v8").
     */
    public boolean accepts(Platform candidate) {
        if (!os.equals(candidate.os) || !architecture.equals(normalizeArchitecture(candidate.architecture))) {
            return false;
        }
        return variant == null || candidate.variant == null || variant.equals(candidate.variant);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
