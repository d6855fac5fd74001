package io.jrun.images.registry;

import java.nio.file.Path;
import java.util.Set;
import java.util.function.Function;

/**
 * How a {@link RegistryClient} reaches registries and finds credentials.
 *
 * @param insecureRegistries  host[:port] entries that may be spoken to over plain HTTP
 *                            (--insecure-registry); a host without a port allows every port
 * @param explicitCredentials credentials from --creds, used for every registry; nullable
 * @param authFile            the only auth file to read (--authfile); nullable for the default search
 * @param env                 environment lookup, {@code System::getenv} in production
 * @param home                the user's home directory
 */
public record RegistryOptions(Set<String> insecureRegistries,
                              Credentials explicitCredentials,
                              Path authFile,
                              Function<String, String> env,
                              Path home) {

    public RegistryOptions {
        insecureRegistries = insecureRegistries == null ? Set.of() : Set.copyOf(insecureRegistries);
        env = env == null ? name -> null : env;
        home = home == null ? Path.of(System.getProperty("user.home")) : home;
    }

    /** No insecure registries, no explicit credentials, the real environment and home. */
    public static RegistryOptions defaults() {
        return new RegistryOptions(Set.of(), null, null, System::getenv, Path.of(System.getProperty("user.home")));
    }

    public RegistryOptions withInsecureRegistries(Set<String> registries) {
        return new RegistryOptions(registries, explicitCredentials, authFile, env, home);
    }

    public RegistryOptions withCredentials(Credentials credentials) {
        return new RegistryOptions(insecureRegistries, credentials, authFile, env, home);
    }

    public RegistryOptions withAuthFile(Path file) {
        return new RegistryOptions(insecureRegistries, explicitCredentials, file, env, home);
    }

    /** Whether {@code hostPort} (as in an image reference) may be spoken to over plain HTTP. */
    public boolean isInsecure(String hostPort) {
        if (insecureRegistries.contains(hostPort)) {
            return true;
        }
        return insecureRegistries.contains(RegistryEndpoint.hostWithoutPort(hostPort));
    }
}
