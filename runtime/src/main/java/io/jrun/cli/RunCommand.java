package io.jrun.cli;

import io.jrun.images.Images;
import io.jrun.images.fetch.FetchListener;
import io.jrun.images.source.ImageLocation;
import io.jrun.linux.Terminals;
import io.jrun.runtime.ContainerSpec;
import io.jrun.runtime.MountSpec;
import io.jrun.runtime.Network;
import io.jrun.runtime.Pods;
import io.jrun.runtime.RunRequest;
import io.jrun.runtime.RunningPod;
import io.jrun.runtime.SecurityOptions;
import io.jrun.runtime.Stdio;
import io.jrun.runtime.pod.PodStore;
import io.jrun.runtime.seccomp.SeccompOption;
import io.jrun.runtime.terminal.HostTerminal;
import io.jrun.runtime.terminal.TerminalSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jrun run}: runs an image's app in the foreground as a new pod, and exits with the
 * app's exit code. Options after IMAGE belong to the app, as in docker.
 */
@Command(name = "run", description = {
        "Run an image's app isolated, in the foreground, as a new pod; exit with the app's exit code.",
        "The image is fetched first when it is not in the store. Arguments after IMAGE replace",
        "the image's Cmd (a leading -- is dropped)."},
        mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    JrunCommand root;

    @Mixin
    RegistryFlags registryFlags;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image: a name or ID in the store, or a location to fetch.")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command and its arguments (default: the image's).")
    List<String> command = new ArrayList<>();

    @picocli.CommandLine.Mixin
    EnvFlags envFlags;

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory inside the container.")
    String workingDir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]", description = "Run as this user (names from the image's /etc/passwd).")
    String user;

    @Option(names = "--entrypoint", paramLabel = "CMD", description = "Replace the image's Entrypoint (\"\" clears it).")
    String entrypoint;

    @Option(names = "--rm", description = "Remove the pod when the app exits.")
    boolean remove;

    @Option(names = "--name", paramLabel = "NAME", description = "Name the pod (unique among existing pods).")
    String name;

    @Option(names = "--hostname", paramLabel = "NAME", description = "The container's host name (default: the pod's short ID).")
    String hostname;

    @Option(names = {"-v", "--volume"}, paramLabel = "SRC:DST[:ro]", description = "Bind-mount a host path (repeatable).")
    List<String> volumes = new ArrayList<>();

    @Option(names = "--tmpfs", paramLabel = "DST[:OPTIONS]", description = "Mount a tmpfs (repeatable).")
    List<String> tmpfs = new ArrayList<>();

    @Option(names = "--read-only", description = "Mount the root read-only (with tmpfs on /run, /tmp and /var/tmp).")
    boolean readOnly;

    @Option(names = {"--net", "--network"}, paramLabel = "none|host", defaultValue = "none",
            description = "The network: none (only loopback, the default) or host.")
    String network;

    @Option(names = {"-i", "--interactive"}, description = "Keep stdin open for the app (default: /dev/null).")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Give the app a pseudo-terminal (with -i, the user's terminal goes raw).")
    boolean tty;

    @Option(names = "--security-opt", paramLabel = "OPT",
            description = {"seccomp=unconfined turns the default seccomp profile off; seccomp=FILE.json applies a docker/OCI profile;",
                    "no-new-privileges=false lets setuid programs gain privileges (default: true);",
                    "unmask=PATH[:PATH...]|ALL leaves masked or read-only /proc and /sys paths open (repeatable)."})
    List<String> securityOpts = new ArrayList<>();

    @Option(names = {"-d", "--detach"}, description = {"Start the pod and print its UUID; a jrun process of its own supervises it",
            "and records its exit. The app's output goes to output.log in the pod's directory."})
    boolean detach;

    @Option(names = Detach.CHILD_FLAG, hidden = true, description = "The supervisor of a detached pod (internal).")
    boolean detachedChild;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--cap-add", paramLabel = "CAP", split = ",",
            description = "Add a capability (NET_ADMIN or CAP_NET_ADMIN, any case; ALL for every one; repeatable).")
    List<String> capAdd = new ArrayList<>();

    @Option(names = "--cap-drop", paramLabel = "CAP", split = ",",
            description = "Drop a capability from the default set (ALL for every one; repeatable).")
    List<String> capDrop = new ArrayList<>();

    @Option(names = "--privileged",
            description = "Host-equivalent: every capability, no seccomp, no masked paths, writable /sys and /proc/sys, the host's devices.")
    boolean privileged;

    @Option(names = "--uuid-file-save", paramLabel = "FILE", description = "Write the pod's UUID into FILE.")
    Path uuidFile;

    @Mixin
    CgroupOptions cgroupOptions;

    @Mixin
    SystemdOptions systemd;

    @Option(names = "--pull", paramLabel = "missing|always|never", defaultValue = "missing",
            description = "When to fetch the image: missing (default), always, never.")
    String pull;

    @Override
    public Integer call() throws Exception {
        // every argument is checked before anything is created or fetched
        RunRequest request = request();
        String pullPolicy = pull.toLowerCase(Locale.ROOT);
        if (!List.of("missing", "always", "never").contains(pullPolicy)) {
            throw new IllegalArgumentException("invalid --pull '" + pull + "': use missing, always or never");
        }
        Pods pods = Pods.open(root.dir);
        // a detached pod's supervisor finds the image its parent made sure of
        String stored = ensureImage(pods.images(), detachedChild ? "missing" : pullPolicy);
        request = request.withImage(stored);
        if (detach && !detachedChild) {
            return Detach.start(spec.commandLine().getParseResult().originalArgs());
        }
        if (detachedChild) {
            RunningPod pod = pods.run(request, Stdio.toFile(Path.of("output.log")), this::saveUuid);
            System.out.println(pod.uuid()); // to the parent, which prints it and returns
            System.out.flush();
            try (SignalForwarder signals = SignalForwarder.install()) {
                signals.forwardTo(pod::signal);
                return pod.waitForExit();
            }
        }

        HostTerminal host = HostTerminal.standard();
        Stdio stdio = tty ? Stdio.terminal(host.windowSize()) : new Stdio(interactive ? null : Path.of("/dev/null"), null, null);
        try (SignalForwarder signals = SignalForwarder.install()) {
            RunningPod pod = pods.run(request, stdio, this::saveUuid);
            signals.forwardTo(SystemdOptions.stopSignalFor(pod));
            systemd.launched(pod);
            if (systemd.handsOver()) {
                pod.handOverToSystemd();
                return 0;
            }
            if (tty) {
                // relays started here, on the untransformed main thread
                try (TerminalSession session = TerminalSession.attach(pod.container(), host, interactive)) {
                    session.awaitExit();
                }
            }
            return pod.waitForExit();
        }
    }

    private void saveUuid(String uuid) {
        if (uuidFile == null) {
            return;
        }
        try {
            Files.writeString(uuidFile, uuid);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private RunRequest request() throws Exception {
        List<String> args = command;
        if (!args.isEmpty() && args.getFirst().equals("--")) {
            args = args.subList(1, args.size());
        }
        List<String> environment = envFlags.entries();
        List<MountSpec> mounts = new ArrayList<>();
        systemd.addTo(environment, mounts, detach, remove);
        List<String> mountArgs = new ArrayList<>();
        for (String v : volumes) {
            mounts.add(MountSpec.parseVolume(v));
            mountArgs.add("-v " + v);
        }
        for (String t : tmpfs) {
            mounts.add(MountSpec.parseTmpfs(t));
            mountArgs.add("--tmpfs " + t);
        }
        if (name != null) {
            PodStore.checkName(name);
        }
        if (detach && (tty || interactive)) {
            throw new IllegalArgumentException("--detach with -t or -i is not supported: jrun has no attach; drop -t and -i");
        }
        if (tty && interactive && !HostTerminal.standard().inputIsTerminal()) {
            throw new IllegalArgumentException("the input device is not a TTY: drop -t, or run jrun from a terminal");
        }
        if (workingDir != null) {
            ContainerSpec.checkWorkingDir(workingDir);
        }
        SecurityOpts opts = SecurityOpts.parse(securityOpts);
        SecurityOptions security = new SecurityOptions(privileged, capAdd, capDrop, opts.noNewPrivileges(), opts.unmask());
        SeccompOption seccomp = security.seccomp(opts.seccomp());
        if (seccomp.kind() == SeccompOption.Kind.FILE) {
            seccomp.profile(); // a missing or malformed profile fails here, before anything is created
        }
        ImageLocation.parse(image); // a malformed reference fails here
        return new RunRequest(image, args, entrypoint, environment, workingDir, user, name, hostname, mounts, mountArgs,
                Network.parse(network), readOnly, tty, interactive, remove, opts.seccomp(), security,
                cgroupOptions.limits(), cgroupOptions.cgroupParent, systemd.listenFds());
    }

    /** The image's store name, fetched first as --pull says. */
    private String ensureImage(Images images, String policy) throws Exception {
        if (!policy.equals("always")) {
            var found = images.find(image);
            if (found.isPresent()) {
                return found.get().name();
            }
            if (policy.equals("never")) {
                throw new IllegalArgumentException("no image '" + image + "' in the store, and --pull=never: jrun fetch it first");
            }
        }
        boolean tty = Terminals.isTerminal(2);
        try (ProgressDisplay progress = tty ? new ProgressDisplay(System.err, Terminals.columns(2)) : null) {
            FetchListener listener = progress == null ? FetchListener.SILENT : progress;
            var record = images.fetch(image, registryFlags.fetchOptions(), listener);
            if (progress != null) {
                progress.finish();
            }
            return record.name();
        }
    }
}
