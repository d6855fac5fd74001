package io.jrun.api;

import io.jrun.images.FetchOptions;
import io.jrun.images.fetch.FetchListener;
import io.jrun.images.store.ImageRecord;
import io.jrun.runtime.AppPods;
import io.jrun.runtime.Pods;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * jrun embedded in a Java program: containers and pods run from this JVM, with no daemon,
 * over a state directory the {@code jrun} command shares (its images, {@code jrun list},
 * {@code jrun gc}). Needs root and {@code --enable-native-access=ALL-UNNAMED}; see
 * docs/embedding.md.
 *
 * <p>Safe to share between threads: any number may start, enter and stop containers at once.
 * {@link #close()} closes (stops and removes) every container and pod started through this
 * instance and not closed yet.
 *
 * <pre>{@code
 * try (Jrun jrun = Jrun.open(Path.of("/var/lib/jrun"))) {
 *     Result hello = jrun.container("busybox").command("echo", "hello").run();
 *     System.out.print(hello.output()); // hello
 * }
 * }</pre>
 */
public final class Jrun implements AutoCloseable {
    private final Pods pods;
    private final AppPods appPods;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

    private Jrun(Pods pods, AppPods appPods) {
        this.pods = pods;
        this.appPods = appPods;
    }

    /**
     * Opens (creating when missing) the image and pod stores under {@code stateDir}, as
     * {@code jrun --dir stateDir} does; {@code /var/lib/jrun} is the command's own.
     *
     * <pre>{@code Jrun jrun = Jrun.open(Path.of("/var/lib/jrun"));}</pre>
     *
     * @throws JrunException when the directory cannot be made or read
     */
    public static Jrun open(Path stateDir) throws JrunException {
        Objects.requireNonNull(stateDir, "stateDir");
        try {
            Pods pods = Pods.open(stateDir);
            return new Jrun(pods, AppPods.of(pods));
        } catch (IOException e) {
            throw Engine.failed(e);
        }
    }

    /**
     * A builder for a container of {@code image}: a name in the store, a registry reference
     * ({@code busybox}, {@code registry.example:5000/app:1}), {@code oci:DIR[:TAG]} or
     * {@code oci-archive:FILE[:TAG]}; fetched when missing unless told otherwise
     * ({@link ContainerBuilder#pull(PullPolicy)}).
     *
     * <pre>{@code jrun.container("busybox").command("echo", "hi").start();}</pre>
     */
    public ContainerBuilder container(String image) {
        return new ContainerBuilder(this, image);
    }

    /**
     * A builder for a pod of several apps sharing network, IPC and UTS namespaces and a host
     * name, as {@code jrun run IMG1 --- IMG2}.
     *
     * <pre>{@code jrun.pod("web").app(App.of("server", "busybox").command("httpd", "-f")).start();}</pre>
     *
     * @param name the pod's name, unique in the state directory; its apps' units are named {@code NAME.APP}
     */
    public PodBuilder pod(String name) {
        return new PodBuilder(this, Objects.requireNonNull(name, "name"));
    }

    /**
     * Fetches an image into the store, as {@code jrun fetch}: from a registry (anonymous or
     * with the credentials of the host's registries.conf/auth files), an OCI layout
     * ({@code oci:DIR[:TAG]}) or an OCI archive ({@code oci-archive:FILE[:TAG]}).
     *
     * <pre>{@code Image busybox = jrun.pull("busybox");}</pre>
     *
     * @throws JrunException when the image cannot be fetched
     */
    public Image pull(String location) throws JrunException {
        Objects.requireNonNull(location, "location");
        try {
            return image(pods.images().fetch(location, FetchOptions.defaults(), FetchListener.SILENT));
        } catch (IOException e) {
            throw Engine.failed(e);
        }
    }

    /**
     * The image in the store by name ({@code busybox} means docker.io/library/busybox:latest),
     * ID or unique ID prefix; empty if there is none. Fetches nothing.
     *
     * <pre>{@code boolean have = jrun.image("busybox").isPresent();}</pre>
     */
    public Optional<Image> image(String nameOrId) throws JrunException {
        try {
            return pods.images().find(Objects.requireNonNull(nameOrId, "nameOrId")).map(Jrun::image);
        } catch (IOException e) {
            throw Engine.failed(e);
        }
    }

    private static Image image(ImageRecord record) {
        return new Image(record.name(), record.id().toString());
    }

    /** {@code image}'s name in the store, fetched first as {@code policy} says. */
    String ensureImage(String image, PullPolicy policy) throws JrunException {
        if (policy != PullPolicy.ALWAYS) {
            Optional<Image> found = image(image);
            if (found.isPresent()) {
                return found.get().name();
            }
            if (policy == PullPolicy.NEVER) {
                throw new JrunException(JrunException.JRUN_ERROR, "no image '" + image
                        + "' in the store, and pull(PullPolicy.NEVER): fetch it first (Jrun.pull)", null);
            }
        }
        return pull(image).name();
    }

    Pods pods() {
        return pods;
    }

    AppPods appPods() {
        return appPods;
    }

    /** Keeps {@code container} until it is closed, for {@link #close()}. */
    Container started(Container container) {
        open.add(container);
        container.whenClosed(() -> open.remove(container));
        return container;
    }

    /** Keeps {@code pod} until it is closed, for {@link #close()}. */
    Pod started(Pod pod) {
        open.add(pod);
        pod.whenClosed(() -> open.remove(pod));
        return pod;
    }

    /**
     * Closes every container and pod started through this instance and not closed yet: each
     * is stopped (its StopSignal, SIGKILL after 10 s) and removed. The state directory stays.
     *
     * <pre>{@code try (Jrun jrun = Jrun.open(dir)) { ... } // nothing of it runs after this}</pre>
     *
     * @throws JrunException the first failure; the others are suppressed in it
     */
    @Override
    public void close() throws JrunException, InterruptedException {
        List<Exception> failures = new ArrayList<>();
        for (AutoCloseable c : List.copyOf(open)) {
            try {
                c.close();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            JrunException first = failures.getFirst() instanceof JrunException j ? j
                    : new JrunException(JrunException.JRUN_ERROR, failures.getFirst().getMessage(), failures.getFirst());
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }
}
