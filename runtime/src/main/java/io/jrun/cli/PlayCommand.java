package io.jrun.cli;

import io.jrun.runtime.AppPods;
import io.jrun.runtime.AppRequest;
import io.jrun.runtime.Conmon;
import io.jrun.runtime.KubePods;
import io.jrun.runtime.PodRequest;
import io.jrun.runtime.Pods;
import io.jrun.runtime.RestartPolicy;
import io.jrun.runtime.RunningAppPod;
import io.jrun.runtime.kube.KubeContainer;
import io.jrun.runtime.kube.KubeManifests;
import io.jrun.runtime.kube.ValidatedPod;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.pod.AppPodRecord;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/**
 * {@code jrun play FILE.yaml}: runs a Kubernetes v1 Pod manifest as a pod of several apps,
 * detached under conmon as podman kube play does (or in the foreground, where restart policies
 * live); {@code jrun play --down FILE.yaml} stops and removes the pod the manifest names.
 */
final class PlayCommand implements Callable<Integer> {
    /** How long --down gives each app to stop with its StopSignal before SIGKILL (jrun stop's default). */
    private static final Duration DOWN_TIMEOUT = Duration.ofSeconds(10);
    private final JrunCommand root;
    final CommandSpec spec;
    private final RegistryFlags registryFlags = new RegistryFlags();
    private Path file;
    private boolean down;
    private boolean foreground;

    PlayCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "play",
                "Run the pod a Kubernetes v1 Pod manifest describes, detached (each app under conmon): print its UUID.",
                "The manifest's containers are the pod's apps, its initContainers its init apps (docs/play.md);",
                "what jrun cannot carry out is refused by name. --down stops and removes the pod it names.");
        registryFlags.addTo(spec);
        spec.addPositional(Specs.positional("0", "FILE", v -> file = v == null ? null : Path.of(v),
                        () -> file == null ? null : file.toString())
                .description("The manifest: YAML holding one Pod (apiVersion: v1, kind: Pod).").build());
        spec.addOption(Specs.flag(v -> down = v, () -> down, "--down")
                .description("Stop the pod the manifest names (each app with its StopSignal, SIGKILL after 10s)"
                        + " and remove it: its apps, namespaces, emptyDir volumes and cgroups.").build());
        spec.addOption(Specs.flag(v -> foreground = v, () -> foreground, "--foreground")
                .description("Run the pod in the foreground, this jrun supervising it (restartPolicy Always and"
                        + " OnFailure need it), and exit with its exit code as jrun run does.").build());
    }

    @Override
    public Integer call() throws Exception {
        ValidatedPod manifest = KubeManifests.read(file); // refused before anything is fetched or made
        if (down) {
            if (foreground) {
                throw new IllegalArgumentException("--down with --foreground: --down takes the pod down, drop --foreground");
            }
            return down(manifest);
        }
        PodRequest request;
        try {
            request = KubePods.request(manifest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        if (!foreground) {
            for (AppRequest app : request.apps()) {
                if (app.restart().kind() != RestartPolicy.Kind.NO) {
                    throw new IllegalArgumentException(file + ": spec.restartPolicy " + manifest.pod().restartPolicy().kubeName()
                            + (manifest.pod().restartPolicy() == io.jrun.runtime.kube.RestartPolicy.ALWAYS ? " (the default)" : "")
                            + " restarts apps, which needs a supervisor that stays, and conmon does not restart: run it with"
                            + " jrun play --foreground, or write restartPolicy: Never");
                }
            }
        }
        Conmon.Programs programs = foreground ? null : Conmon.Programs.find(); // before anything is made
        try {
            KubePods.checkHostPaths(manifest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        Pods pods = Pods.open(root.dir);
        PodRequest.Builder fetched = PodRequest.builder().name(request.name()).hostname(request.hostname())
                .network(request.network()).sharePid(request.sharePid());
        request.volumes().forEach(fetched::volume);
        for (AppRequest app : request.apps()) {
            KubeContainer container = manifest.apps().stream().filter(c -> c.name().equals(app.name())).findFirst().orElseThrow();
            String pull = container.imagePullPolicy() == null ? "missing" : container.imagePullPolicy().jrunPull();
            String stored = RunCommand.ensureImage(pods.images(), pull, app.process().image(), registryFlags);
            AppRequest.Builder b = AppRequest.builder(app.name(), app.process().withImage(stored)).init(app.init())
                    .restart(app.restart());
            app.volumeMounts().forEach(b::volumeMount);
            fetched.app(b.build());
        }
        AppPods appPods = AppPods.of(pods);
        if (!foreground) {
            System.out.println(appPods.runDetached(fetched.build(), programs, uuid -> { }));
            return 0;
        }
        try (SignalForwarder signals = SignalForwarder.install()) {
            RunningAppPod running = appPods.prepare(fetched.build(), new Stdio(Path.of("/dev/null"), null, null), uuid -> { });
            signals.forwardTo(running::signal);
            return running.runToEnd();
        }
    }

    /** Stops and removes the pod named by the manifest's metadata.name; prints its UUID. */
    private int down(ValidatedPod manifest) throws Exception {
        String name = manifest.pod().name();
        AppPods appPods = AppPods.of(Pods.open(root.dir));
        AppPodRecord pod = appPods.find(name).filter(p -> name.equals(p.name())).orElseThrow(() ->
                new IllegalArgumentException("no pod named " + name + " (" + file + "'s metadata.name): nothing to take down;"
                        + " jrun list --apps shows the pods"));
        appPods.stop(pod, OptionalInt.empty(), DOWN_TIMEOUT, false);
        appPods.remove(pod, true); // an app that will not stop is killed
        System.out.println(pod.uuid());
        return 0;
    }
}
