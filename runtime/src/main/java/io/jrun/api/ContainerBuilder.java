package io.jrun.api;

import io.jrun.runtime.pod.PodStore;

import java.util.Objects;

/**
 * Builds and starts one container (a pod of one app, as {@code jrun run}); get one from
 * {@link Jrun#container(String)}. Not thread-safe: build on one thread (the {@link Container}
 * it starts may be shared).
 *
 * <pre>{@code
 * try (Container c = jrun.container("busybox").command("echo", "hi").memory("64m").start()) {
 *     c.waitFor();
 *     String out = c.logs(); // "hi\n"
 * }
 * }</pre>
 */
public final class ContainerBuilder extends AppSettings<ContainerBuilder> {
    private final Jrun jrun;
    private String name;
    private String hostname;
    private Network network = Network.NONE;
    private PullPolicy pull = PullPolicy.MISSING;
    private Output output = Output.CAPTURE;

    ContainerBuilder(Jrun jrun, String image) {
        super(image);
        this.jrun = jrun;
    }

    /**
     * The container's name, unique in the state directory ({@code jrun list} shows it).
     *
     * <pre>{@code .name("web")}</pre>
     *
     * @throws IllegalArgumentException when it is not a valid name
     */
    public ContainerBuilder name(String name) {
        this.name = PodStore.checkName(Objects.requireNonNull(name, "name"));
        return this;
    }

    /**
     * The host name the container sees, instead of its ID's first 12 hex digits.
     *
     * <pre>{@code .hostname("db")}</pre>
     */
    public ContainerBuilder hostname(String hostname) {
        this.hostname = Objects.requireNonNull(hostname, "hostname");
        return this;
    }

    /**
     * The container's network ({@link Network#NONE} by default: loopback only).
     *
     * <pre>{@code .network(Network.HOST)}</pre>
     */
    public ContainerBuilder network(Network network) {
        this.network = Objects.requireNonNull(network, "network");
        return this;
    }

    /**
     * When to fetch the image first ({@link PullPolicy#MISSING} by default).
     *
     * <pre>{@code .pull(PullPolicy.NEVER)}</pre>
     */
    public ContainerBuilder pull(PullPolicy pull) {
        this.pull = Objects.requireNonNull(pull, "pull");
        return this;
    }

    /**
     * Where the container's output goes ({@link Output#CAPTURE} by default, for {@link Container#logs()}).
     *
     * <pre>{@code .output(Output.INHERIT)}</pre>
     */
    public ContainerBuilder output(Output output) {
        this.output = Objects.requireNonNull(output, "output");
        return this;
    }

    /**
     * Fetches the image if the pull policy says so, creates the pod and starts its app;
     * returns once the app runs. Close the container to remove it.
     *
     * <pre>{@code Container c = jrun.container("busybox").command("sleep", "60").start();}</pre>
     *
     * @throws JrunException when the image cannot be found or fetched, or the container
     *                       cannot be launched (its {@link JrunException#exitCode()} is docker's:
     *                       127 for a command not found, 126 for one that cannot be executed)
     */
    public Container start() throws JrunException, InterruptedException {
        String stored = jrun.ensureImage(image, pull);
        return jrun.started(Container.start(jrun.pods(), request(stored).name(name).hostname(hostname)
                .network(network.engine()).build(), output));
    }

    /**
     * Starts the container, waits for it to end, and removes it: a one-shot command's exit
     * code and (captured) output.
     *
     * <pre>{@code
     * Result r = jrun.container("busybox").command("uname", "-n").hostname("box").run();
     * assert r.exitCode() == 0 && r.output().equals("box\n");
     * }</pre>
     *
     * @throws JrunException as {@link #start()}
     */
    public Result run() throws JrunException, InterruptedException {
        try (Container c = start()) {
            int code = c.waitFor();
            return new Result(code, output == Output.CAPTURE ? c.logs() : "");
        }
    }
}
