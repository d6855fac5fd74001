package io.jrun.runtime.seccomp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A kernel's major.minor version, as profiles write it ({@code "minKernel": "4.8"}). */
public record KernelVersion(int major, int minor) implements Comparable<KernelVersion> {
    private static final Pattern VERSION = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})(?:[.\\-+~].*)?");

    public KernelVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("kernel versions are not negative");
        }
    }

    /**
     * Parses {@code 4.8}, {@code 6.18.44-fc-v669} and the like (the release {@code uname -r}
     * prints); null when {@code text} is not one.
     */
    public static KernelVersion parse(String text) {
        Matcher m = VERSION.matcher(text);
        return m.matches() ? new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))) : null;
    }

    /** The running kernel's version; the JVM reads it from uname(2) into {@code os.version}. */
    public static KernelVersion running() {
        String release = System.getProperty("os.version");
        KernelVersion version = parse(release);
        if (version == null) {
            throw new IllegalStateException("cannot read the kernel version from \"" + release + "\"");
        }
        return version;
    }

    @Override
    public int compareTo(KernelVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    public boolean atLeast(KernelVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
