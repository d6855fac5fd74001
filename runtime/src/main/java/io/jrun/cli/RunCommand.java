package io.jrun.cli;

import io.jrun.images.Images;
import io.jrun.images.fetch.FetchListener;
import io.jrun.images.source.ImageLocation;
import io.jrun.linux.Terminals;
import io.jrun.runtime.prepare.EffectiveConfig;
import io.jrun.runtime.spec.ConsoleSize;
import io.jrun.runtime.prepare.MountSpec;
import io.jrun.runtime.prepare.Network;
import io.jrun.runtime.Conmon;
import io.jrun.runtime.Pods;
import io.jrun.runtime.prepare.RunRequest;
import io.jrun.runtime.RunningPod;
import io.jrun.runtime.prepare.SecurityOptions;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.devices.DeviceMapping;
import io.jrun.runtime.pod.PodStore;
import io.jrun.runtime.seccomp.SeccompOption;
import io.jrun.runtime.terminal.HostTerminal;
import io.jrun.runtime.terminal.TerminalSession;
import picocli.CommandLine.Model.CommandSpec;

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
final class RunCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private final RegistryFlags registryFlags = new RegistryFlags();
    private final EnvFlags envFlags = new EnvFlags();
    private final CgroupOptions cgroupOptions = new CgroupOptions();
    private final SystemdOptions systemd = new SystemdOptions();
    private String image;
    private List<String> command = new ArrayList<>();
    private String workingDir;
    private String user;
    private String entrypoint;
    private boolean remove;
    private String name;
    private String hostname;
    private List<String> volumes = new ArrayList<>();
    private List<String> tmpfs = new ArrayList<>();
    private boolean readOnly;
    private String network = "none";
    private boolean interactive;
    private boolean tty;
    private List<String> securityOpts = new ArrayList<>();
    private boolean detach;
    private List<String> capAdd = new ArrayList<>();
    private List<String> capDrop = new ArrayList<>();
    private boolean privileged;
    private List<String> devices = new ArrayList<>();
    private Path uuidFile;
    private String pull = "missing";
    private String logDriver;
    private Conmon.LogDriver logTo;

    RunCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "run",
                "Run an image's app isolated, in the foreground, as a new pod; exit with the app's exit code.",
                "The image is fetched first when it is not in the store. Arguments after IMAGE replace",
                "the image's Cmd (a leading -- is dropped).");
        registryFlags.addTo(spec);
        spec.addPositional(Specs.positional("0", "IMAGE", v -> image = v, () -> image)
                .description("The image: a name or ID in the store, or a location to fetch.").build());
        spec.addPositional(Specs.positionals("1..*", false, "COMMAND", v -> command = v, () -> command)
                .description("The command and its arguments (default: the image's).").build());
        envFlags.addTo(spec);
        spec.addOption(Specs.option(String.class, "DIR", v -> workingDir = v, () -> workingDir, "-w", "--workdir")
                .description("Working directory inside the container.").build());
        spec.addOption(Specs.option(String.class, "USER[:GROUP]", v -> user = v, () -> user, "-u", "--user")
                .description("Run as this user (names from the image's /etc/passwd).").build());
        spec.addOption(Specs.option(String.class, "CMD", v -> entrypoint = v, () -> entrypoint, "--entrypoint")
                .description("Replace the image's Entrypoint (\"\" clears it).").build());
        spec.addOption(Specs.flag(v -> remove = v, () -> remove, "--rm")
                .description("Remove the pod when the app exits.").build());
        spec.addOption(Specs.option(String.class, "NAME", v -> name = v, () -> name, "--name")
                .description("Name the pod (unique among existing pods).").build());
        spec.addOption(Specs.option(String.class, "NAME", v -> hostname = v, () -> hostname, "--hostname")
                .description("The container's host name (default: the pod's short ID).").build());
        spec.addOption(Specs.repeatable("SRC:DST[:ro]", v -> volumes = v, () -> volumes, "-v", "--volume")
                .description("Bind-mount a host path (repeatable).").build());
        spec.addOption(Specs.repeatable("DST[:OPTIONS]", v -> tmpfs = v, () -> tmpfs, "--tmpfs")
                .description("Mount a tmpfs (repeatable).").build());
        spec.addOption(Specs.flag(v -> readOnly = v, () -> readOnly, "--read-only")
                .description("Mount the root read-only (with tmpfs on /run, /tmp and /var/tmp).").build());
        spec.addOption(Specs.option(String.class, "none|host", v -> network = v, () -> network, "--net", "--network")
                .defaultValue("none").description("The network: none (only loopback, the default) or host.").build());
        spec.addOption(Specs.flag(v -> interactive = v, () -> interactive, "-i", "--interactive")
                .description("Keep stdin open for the app (default: /dev/null).").build());
        spec.addOption(Specs.flag(v -> tty = v, () -> tty, "-t", "--tty")
                .description("Give the app a pseudo-terminal (with -i, the user's terminal goes raw).").build());
        spec.addOption(Specs.repeatable("OPT", v -> securityOpts = v, () -> securityOpts, "--security-opt")
                .description("seccomp=unconfined turns the default seccomp profile off; seccomp=FILE.json applies a docker/OCI profile;",
                        "no-new-privileges=false lets setuid programs gain privileges (default: true);",
                        "unmask=PATH[:PATH...]|ALL leaves masked or read-only /proc and /sys paths open (repeatable).").build());
        spec.addOption(Specs.flag(v -> detach = v, () -> detach, "-d", "--detach")
                .description("Start the pod under conmon, print its UUID and exit: no jrun stays while it runs.",
                        "conmon records the app's exit and its output (jrun logs).").build());
        spec.addOption(Specs.repeatable("CAP", v -> capAdd = v, () -> capAdd, "--cap-add").splitRegex(",")
                .description("Add a capability (NET_ADMIN or CAP_NET_ADMIN, any case; ALL for every one; repeatable).").build());
        spec.addOption(Specs.repeatable("CAP", v -> capDrop = v, () -> capDrop, "--cap-drop").splitRegex(",")
                .description("Drop a capability from the default set (ALL for every one; repeatable).").build());
        spec.addOption(Specs.flag(v -> privileged = v, () -> privileged, "--privileged")
                .description("Host-equivalent: every capability, no seccomp, no masked paths, writable /sys and /proc/sys, the host's devices.")
                .build());
        spec.addOption(Specs.repeatable("HOST[:CONTAINER][:PERMS]", v -> devices = v, () -> devices, "--device")
                .description("Give the container the host device node HOST at CONTAINER (default: HOST; below /dev), allowing PERMS: r, w, m (default rwm; repeatable).")
                .build());
        spec.addOption(Specs.option(Path.class, "FILE", v -> uuidFile = v, () -> uuidFile, "--uuid-file-save")
                .description("Write the pod's UUID into FILE.").build());
        cgroupOptions.addTo(spec);
        systemd.addTo(spec);
        spec.addOption(Specs.option(String.class, "k8s-file|journald", v -> logDriver = v, () -> logDriver, "--log-driver")
                .description("Where conmon writes a detached pod's output: k8s-file in the pod (the default)",
                        "or journald (the default with --sd-notify=conmon); jrun logs reads either.").build());
        spec.addOption(Specs.option(String.class, "missing|always|never", v -> pull = v, () -> pull, "--pull")
                .defaultValue("missing").description("When to fetch the image: missing (default), always, never.").build());
    }

    @Override
    public Integer call() throws Exception {
        // every argument is checked before anything is created or fetched
        RunRequest request = request();
        String pullPolicy = pull.toLowerCase(Locale.ROOT);
        if (!List.of("missing", "always", "never").contains(pullPolicy)) {
            throw new IllegalArgumentException("invalid --pull '" + pull + "': use missing, always or never");
        }
        Pods pods = Pods.open(root.dir);
        String stored = ensureImage(pods.images(), pullPolicy);
        request = request.withImage(stored);
        if (detach) {
            var supervision = new Conmon.Supervision(Conmon.Programs.find(), logTo, systemd.policy()); // before anything is created
            System.out.println(pods.runDetached(request, supervision, this::saveUuid));
            return 0;
        }

        HostTerminal host = HostTerminal.standard();
        Stdio stdio = tty ? Stdio.inherit() : new Stdio(interactive ? null : Path.of("/dev/null"), null, null);
        ConsoleSize size = tty ? consoleSize(host) : null;
        try (SignalForwarder signals = SignalForwarder.install()) {
            RunningPod pod = pods.run(request, stdio, size, this::saveUuid);
            signals.forwardTo(SystemdOptions.stopSignalFor(pod));
            systemd.policy().foregroundReady(pod);
            if (tty) {
                // relays started here, on the untransformed main thread
                try (TerminalSession session = TerminalSession.attach(pod.container(), host, interactive)) {
                    session.awaitExit();
                }
            }
            return pod.waitForExit();
        }
    }

    /** The user's terminal's size, for the container's terminal from the start. */
    static ConsoleSize consoleSize(HostTerminal host) {
        var size = host.windowSize();
        return new ConsoleSize(size.rows(), size.columns());
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

    /** The request the options make, every one checked; nothing is created. */
    RunRequest request() throws Exception {
        List<String> args = command;
        if (!args.isEmpty() && args.getFirst().equals("--")) {
            args = args.subList(1, args.size());
        }
        List<String> environment = envFlags.entries();
        List<MountSpec> mounts = new ArrayList<>();
        systemd.addTo(environment, mounts, detach);
        if (!detach && logDriver != null) {
            throw new IllegalArgumentException("--log-driver is for pods under conmon (jrun run -d): a foreground run's output"
                    + " goes to jrun's own stdout and stderr; drop --log-driver");
        }
        logTo = detach ? Conmon.LogDriver.of(logDriver, systemd.policy().mode()) : null;
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
            EffectiveConfig.checkWorkingDir(workingDir);
        }
        SecurityOpts opts = SecurityOpts.parse(securityOpts);
        SecurityOptions security = new SecurityOptions(privileged, capAdd, capDrop, opts.noNewPrivileges(), opts.unmask());
        SeccompOption seccomp = security.seccomp(opts.seccomp());
        if (seccomp.kind() == SeccompOption.Kind.FILE) {
            seccomp.profile(); // a missing or malformed profile fails here, before anything is created
        }
        ImageLocation.parse(image); // a malformed reference fails here
        List<DeviceMapping> deviceMappings = new ArrayList<>();
        for (String d : devices) {
            deviceMappings.add(DeviceMapping.parse(d)); // reads the host's node: one that is not a device fails here
        }
        return RunRequest.builder(image).command(args).entrypoint(entrypoint).env(environment).workingDir(workingDir)
                .user(user).name(name).hostname(hostname).mounts(mounts, mountArgs).network(Network.parse(network))
                .readOnly(readOnly).terminal(tty).interactive(interactive).removeOnExit(remove).seccomp(opts.seccomp())
                .security(security).limits(cgroupOptions.limits()).cgroupParent(cgroupOptions.cgroupParent)
                .listenFds(systemd.listenFds()).devices(deviceMappings).build();
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
