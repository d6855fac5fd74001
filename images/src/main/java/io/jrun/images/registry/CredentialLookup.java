package io.jrun.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrun.images.reference.ImageReference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Finds the credentials for a repository the way podman does (containers-auth.json(5)):
 * <ol>
 *   <li>--creds, for every registry;</li>
 *   <li>--authfile, and then only that file;</li>
 *   <li>otherwise the first of these files that has an entry for the repository:
 *       {@code $REGISTRY_AUTH_FILE}, {@code $XDG_RUNTIME_DIR/containers/auth.json} (without
 *       XDG_RUNTIME_DIR: {@code /run/containers/UID/auth.json}),
 *       {@code $XDG_CONFIG_HOME/containers/auth.json} (default {@code ~/.config}),
 *       {@code ~/.docker/config.json}, {@code ~/.dockercfg}.</li>
 * </ol>
 * Within a file, keys are {@code registry[/namespace[/repo]]} and the most specific key wins.
 * Docker's URL keys ({@code https://index.docker.io/v1/}) count as the bare host. Credential
 * helpers are not run yet: an entry that only names one is an error, not a silent anonymous pull.
 */
public final class CredentialLookup {
    private static final ObjectMapper JSON = io.jrun.images.oci.OciJson.mapper();

    private final RegistryOptions options;
    private final LongSupplier uid;

    public CredentialLookup(RegistryOptions options) {
        this(options, CredentialLookup::effectiveUid);
    }

    CredentialLookup(RegistryOptions options, LongSupplier uid) {
        this.options = options;
        this.uid = uid;
    }

    /** The credentials for {@code ref}'s repository, or empty to go anonymous. */
    public Optional<Credentials> find(ImageReference ref) throws RegistryException {
        if (options.explicitCredentials() != null) {
            return Optional.of(options.explicitCredentials());
        }
        for (Path file : candidateFiles()) {
            Optional<Credentials> found = lookIn(file, ref);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The auth files searched, in order. */
    public List<Path> candidateFiles() {
        if (options.authFile() != null) {
            return List.of(options.authFile());
        }
        List<Path> files = new ArrayList<>();
        String registryAuthFile = env("REGISTRY_AUTH_FILE");
        if (registryAuthFile != null) {
            files.add(Path.of(registryAuthFile));
        }
        String runtimeDir = env("XDG_RUNTIME_DIR");
        files.add(runtimeDir != null
                ? Path.of(runtimeDir, "containers", "auth.json")
                : Path.of("/run/containers", Long.toString(uid.getAsLong()), "auth.json"));
        String configHome = env("XDG_CONFIG_HOME");
        files.add(configHome != null
                ? Path.of(configHome, "containers", "auth.json")
                : options.home().resolve(".config/containers/auth.json"));
        files.add(options.home().resolve(".docker/config.json"));
        files.add(options.home().resolve(".dockercfg"));
        return files;
    }

    /** The keys tried for {@code ref}, most specific first: registry/ns/repo, registry/ns, registry. */
    static List<String> keysFor(ImageReference ref) {
        List<String> keys = new ArrayList<>();
        String key = ref.name();
        while (true) {
            keys.add(key);
            int slash = key.lastIndexOf('/');
            if (slash < 0) {
                break;
            }
            key = key.substring(0, slash);
        }
        return keys;
    }

    /** Brings a file's key to {@code registry[/path]} form: no scheme, docker.io for Docker Hub. */
    static String normalizeKey(String key) {
        String k = key;
        boolean url = false;
        if (k.startsWith("https://") || k.startsWith("http://")) {
            k = k.substring(k.indexOf("://") + 3);
            url = true;
        }
        if (url) {
            // legacy docker keys are URLs such as https://index.docker.io/v1/: only the host counts
            int slash = k.indexOf('/');
            if (slash >= 0) {
                k = k.substring(0, slash);
            }
        }
        while (k.endsWith("/")) {
            k = k.substring(0, k.length() - 1);
        }
        int slash = k.indexOf('/');
        String host = slash < 0 ? k : k.substring(0, slash);
        String path = slash < 0 ? "" : k.substring(slash);
        if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
            host = ImageReference.DOCKER_HUB;
        }
        return host + path;
    }

    private Optional<Credentials> lookIn(Path file, ImageReference ref) throws RegistryException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.CREDENTIALS, "cannot read auth file " + file + ": "
                    + e.getMessage() + ": fix its permissions or pass another file with --authfile");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw malformed(file, "it is not valid JSON");
        }
        if (root == null || root.isMissingNode()) {
            return Optional.empty(); // an empty file holds no credentials
        }
        if (!root.isObject()) {
            throw malformed(file, "expected a JSON object");
        }
        // auth.json and ~/.docker/config.json wrap entries in "auths"; the old ~/.dockercfg does not
        boolean legacy = file.getFileName() != null && file.getFileName().toString().equals(".dockercfg");
        JsonNode auths = legacy ? root : root.path("auths");
        if (!auths.isMissingNode() && !auths.isObject()) {
            throw malformed(file, "\"auths\" must be an object");
        }
        JsonNode helpers = root.path("credHelpers");
        String credsStore = root.path("credsStore").asText("");

        for (String wanted : keysFor(ref)) {
            JsonNode entry = null;
            if (auths.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = auths.properties().iterator(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (normalizeKey(e.getKey()).equals(wanted)) {
                        entry = e.getValue();
                        break;
                    }
                }
            }
            if (entry != null && entry.isObject() && entry.hasNonNull("auth") && !entry.get("auth").asText().isEmpty()) {
                return Optional.of(decode(file, wanted, entry.get("auth").asText()));
            }
            if (entry != null && entry.isObject() && entry.hasNonNull("username") && entry.hasNonNull("password")) {
                return Optional.of(new Credentials(entry.get("username").asText(), entry.get("password").asText()));
            }
            String helper = helperFor(helpers, wanted);
            if (helper != null) {
                throw helperUnsupported(file, wanted, "credential helper \"docker-credential-" + helper + "\"");
            }
            if (entry != null && !credsStore.isEmpty()) {
                throw helperUnsupported(file, wanted, "credential store \"docker-credential-" + credsStore + "\"");
            }
        }
        return Optional.empty();
    }

    private static String helperFor(JsonNode helpers, String wanted) {
        if (!helpers.isObject()) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = helpers.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (normalizeKey(e.getKey()).equals(wanted)) {
                return e.getValue().asText();
            }
        }
        return null;
    }

    private static Credentials decode(Path file, String key, String auth) throws RegistryException {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed(file, "the \"auth\" of \"" + key + "\" is not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw malformed(file, "the \"auth\" of \"" + key + "\" is not base64 of USER:PASSWORD");
        }
        return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    private static RegistryException malformed(Path file, String problem) {
        return new RegistryException(RegistryException.Kind.CREDENTIALS, "malformed auth file " + file + ": "
                + problem + ": fix it (e.g. log in again) or pass another file with --authfile");
    }

    private static RegistryException helperUnsupported(Path file, String key, String helper) {
        return new RegistryException(RegistryException.Kind.CREDENTIALS, "auth file " + file + " keeps the credentials for "
                + key + " in the " + helper + ", and jrun does not run credential helpers yet: pass --creds USER:PASS or an --authfile with an \"auth\" entry");
    }

    private String env(String name) {
        String value = options.env().apply(name);
        return value == null || value.isEmpty() ? null : value;
    }

    private static long effectiveUid() {
        try {
            // /proc/self belongs to the effective uid of the process
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 0;
        }
    }
}
