package io.jrun.images.reference;

import io.jrun.images.oci.Digest;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A normalised image reference, following docker's distribution/reference rules:
 * {@code busybox} is {@code docker.io/library/busybox:latest}, {@code user/app} is
 * {@code docker.io/user/app:latest}, and the first path component names a registry only when it
 * contains a '.' or a ':' or is {@code localhost}. The tag defaults to {@code latest} only when
 * neither a tag nor a digest is given; {@code repo:tag@digest} keeps both, and the digest wins
 * when the manifest is fetched.
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {

    public static final String DOCKER_HUB = "docker.io";
    public static final String DEFAULT_TAG = "latest";
    static final int NAME_TOTAL_LENGTH_MAX = 255;

    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
                    + "|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("an image reference needs a tag or a digest");
        }
    }

    /** Parses and normalises {@code text}; throws {@link InvalidReferenceException} with the reason. */
    public static ImageReference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidReferenceException(text == null ? "" : text, "the reference is empty: give an image name such as busybox or docker.io/library/busybox:latest");
        }
        if (!text.strip().equals(text)) {
            throw new InvalidReferenceException(text, "leading or trailing whitespace");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String digestText = rest.substring(at + 1);
            rest = rest.substring(0, at);
            try {
                digest = Digest.parse(digestText);
            } catch (IllegalArgumentException e) {
                throw new InvalidReferenceException(text, "bad digest \"" + digestText + "\": expected sha256: followed by 64 lowercase hex characters");
            }
        }
        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidReferenceException(text, "invalid tag \"" + tag
                        + "\": a tag is up to 128 letters, digits, '_', '.' or '-' and cannot start with '.' or '-'");
            }
        }
        if (rest.isEmpty()) {
            throw new InvalidReferenceException(text, "the repository name is missing");
        }
        String registry;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? null : rest.substring(0, slash);
        if (first != null && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
            registry = first;
            path = rest.substring(slash + 1);
            if (!DOMAIN.matcher(registry).matches()) {
                throw new InvalidReferenceException(text, "invalid registry \"" + registry + "\": expected HOST[:PORT]");
            }
        } else {
            registry = DOCKER_HUB;
            path = rest;
        }
        if (path.isEmpty()) {
            throw new InvalidReferenceException(text, "the repository name is missing after the registry");
        }
        if (rest.length() > NAME_TOTAL_LENGTH_MAX) {
            throw new InvalidReferenceException(text, "the repository name is longer than " + NAME_TOTAL_LENGTH_MAX + " characters");
        }
        for (String component : path.split("/", -1)) {
            if (component.isEmpty()) {
                throw new InvalidReferenceException(text, "empty path component (doubled or trailing '/')");
            }
            if (!PATH_COMPONENT.matcher(component).matches()) {
                if (!component.toLowerCase(java.util.Locale.ROOT).equals(component)) {
                    throw new InvalidReferenceException(text, "repository names must be lowercase");
                }
                throw new InvalidReferenceException(text, "invalid repository name component \"" + component
                        + "\": use lowercase letters and digits, separated by '.', '_', '__' or '-'");
            }
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        if (tag == null && digest == null) {
            tag = DEFAULT_TAG;
        }
        return new ImageReference(registry, path, tag, digest);
    }

    /** What goes after /manifests/ in the registry API: the digest if pinned, else the tag. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    public ImageReference withDigest(Digest d) {
        return new ImageReference(registry, repository, tag, d);
    }

    /** {@code registry/repository}, e.g. {@code docker.io/library/busybox}. */
    public String name() {
        return registry + "/" + repository;
    }

    /** The host[:port] that serves the registry API; Docker Hub's API lives at registry-1.docker.io. */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name());
        if (tag != null) {
            sb.append(':').append(tag);
        }
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }
}
