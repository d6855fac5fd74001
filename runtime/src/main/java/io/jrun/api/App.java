package io.jrun.api;

import io.jrun.runtime.AppRequest;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One app of a pod ({@link Jrun#pod(String)}): its name in the pod, its image and the
 * settings of {@link AppSettings}. The image must be in the store, or is fetched as the
 * pod's {@link PodBuilder#pull(PullPolicy)} says.
 *
 * <pre>{@code
 * App server = App.of("server", "busybox").command("httpd", "-f", "-p", "8080").memory("32m");
 * App probe = App.of("probe", "busybox").command("wget", "-qO-", "http://127.0.0.1:8080/");
 * }</pre>
 */
public final class App extends AppSettings<App> {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    final String name;
    private boolean init;

    private App(String name, String image) {
        super(image);
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid app name '" + name
                    + "': use lower-case letters, digits and '-', at most 63 characters (as Kubernetes does)");
        }
        this.name = name;
    }

    /**
     * An app named {@code name} (unique in its pod) that runs {@code image}.
     *
     * <pre>{@code App.of("db", "busybox")}</pre>
     *
     * @throws IllegalArgumentException when the name is not lower-case letters, digits and '-'
     */
    public static App of(String name, String image) {
        return new App(name, image);
    }

    /**
     * Makes this an init app (Kubernetes' initContainers): the init apps run one after
     * another, each to its end, before the others start; one that fails ends the pod with its
     * exit code.
     *
     * <pre>{@code App.of("migrate", "busybox").command("sh", "-c", "echo ready > /shared/flag").init()}</pre>
     */
    public App init() {
        this.init = true;
        return this;
    }

    AppRequest appRequest(String storedImage) {
        return AppRequest.builder(name, request(storedImage).build()).init(init).build();
    }

    /** The image as given, for the pull policy. */
    String image() {
        return Objects.requireNonNull(image);
    }
}
