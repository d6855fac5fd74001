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
 * @param home                the user's home directory; null for {@link #homeFrom}'s answer
 */
public record RegistryOptions(Set<String> insecureRegistries,
                              Credentials explicitCredentials,
                              Path authFile,
                              Function<String, String> env,
                              Path home) {

    public RegistryOptions {
        insecureRegistries = insecureRegistries == null ? Set.of() : Set.copyOf(insecureRegistries);
        env = env == null ? name -> null : env;
        home = home == null ? homeFrom(env) : home;
    }

    /**
     * The home directory auth files are looked up in: {@code $HOME} when set, as podman and
     * docker do, else the JDK's {@code user.home}. The JDK takes {@code user.home} from the
     * password database and ignores {@code $HOME}, so a user (or a systemd unit) that points HOME
     * elsewhere would otherwise have its {@code ~/.docker/config.json} silently skipped.
     */
    public static Path homeFrom(Function<String, String> env) {
        String home = env.apply("HOME");
        return home != null && !home.isEmpty() ? Path.of(home) : Path.of(System.getProperty("user.home"));
    }

    /** No insecure registries, no explicit credentials, the real environment and home. */
    public static RegistryOptions defaults() {
        return new RegistryOptions(Set.of(), null, null, System::getenv, homeFrom(System::getenv));
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
