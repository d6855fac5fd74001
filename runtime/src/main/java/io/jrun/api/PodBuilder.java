package io.jrun.api;

import io.jrun.runtime.PodRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds and starts a pod of several apps that share its network, IPC and UTS namespaces and
 * its host name (so they reach each other on 127.0.0.1), each with its own root file system,
 * processes and cgroup; get one from {@link Jrun#pod(String)}. Not thread-safe: build on one
 * thread.
 *
 * <pre>{@code
 * try (Pod pod = jrun.pod("web")
 *         .app(App.of("server", "busybox").command("httpd", "-f", "-p", "8080"))
 *         .app(App.of("probe", "busybox").command("sh", "-c", "sleep 1; wget -qO- http://127.0.0.1:8080/"))
 *         .start()) {
 *     pod.waitFor();
 * }
 * }</pre>
 */
public final class PodBuilder {
    private final Jrun jrun;
    private final String name;
    private final List<App> apps = new ArrayList<>();
    private String hostname;
    private Network network = Network.NONE;
    private PullPolicy pull = PullPolicy.MISSING;
    private Output output = Output.CAPTURE;

    PodBuilder(Jrun jrun, String name) {
        io.jrun.runtime.pod.PodStore.checkName(name);
        this.jrun = jrun;
        this.name = name;
    }

    /**
     * Adds an app; the apps start in the order added (init apps first, each to its end).
     *
     * <pre>{@code .app(App.of("server", "busybox").command("httpd", "-f"))}</pre>
     *
     * @throws IllegalArgumentException when the pod has an app of that name already
     */
    public PodBuilder app(App app) {
        Objects.requireNonNull(app, "app");
        if (apps.stream().anyMatch(a -> a.name.equals(app.name))) {
            throw new IllegalArgumentException("the pod has an app named " + app.name + " already: give each its own name");
        }
        apps.add(app);
        return this;
    }

    /**
     * The host name every app sees, instead of the pod's ID's first 12 hex digits.
     *
     * <pre>{@code .hostname("web")}</pre>
     */
    public PodBuilder hostname(String hostname) {
        this.hostname = Objects.requireNonNull(hostname, "hostname");
        return this;
    }

    /**
     * The pod's network ({@link Network#NONE} by default: loopback only, shared by its apps).
     *
     * <pre>{@code .network(Network.HOST)}</pre>
     */
    public PodBuilder network(Network network) {
        this.network = Objects.requireNonNull(network, "network");
        return this;
    }

    /**
     * When to fetch the apps' images first ({@link PullPolicy#MISSING} by default).
     *
     * <pre>{@code .pull(PullPolicy.NEVER)}</pre>
     */
    public PodBuilder pull(PullPolicy pull) {
        this.pull = Objects.requireNonNull(pull, "pull");
        return this;
    }

    /**
     * Where the apps' output goes ({@link Output#CAPTURE} by default: each app's own, for
     * {@link Pod#logs(String)}).
     *
     * <pre>{@code .output(Output.DISCARD)}</pre>
     */
    public PodBuilder output(Output output) {
        this.output = Objects.requireNonNull(output, "output");
        return this;
    }

    /**
     * Fetches the images the pull policy says to, makes the pod, runs its init apps to their
     * end and starts its other apps; returns once they run (or have ended).
     *
     * <pre>{@code Pod pod = jrun.pod("web").app(...).app(...).start();}</pre>
     *
     * @throws IllegalStateException when no app was added
     * @throws JrunException         when an image cannot be found or fetched, an app cannot be
     *                               launched, or an init app fails (its exit code)
     */
    public Pod start() throws JrunException, InterruptedException {
        if (apps.isEmpty()) {
            throw new IllegalStateException("pod " + name + " has no app: add one with app(App.of(name, image))");
        }
        PodRequest.Builder request = PodRequest.builder().name(name).hostname(hostname).network(network.engine());
        for (App app : apps) {
            request.app(app.appRequest(jrun.ensureImage(app.image(), pull)));
        }
        return jrun.started(Pod.start(jrun.pods(), jrun.appPods(), request.build(), output));
    }
}
