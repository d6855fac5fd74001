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
import io.jrun.runtime.AppPods;
import io.jrun.runtime.AppRequest;
import io.jrun.runtime.PodRequest;
import io.jrun.runtime.Pods;
import io.jrun.runtime.RunningAppPod;
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
    private List<String> publish = new ArrayList<>();
    private Path cniConfigDir;
    private Path cniPluginDir;
    private boolean interactive;
    private boolean tty;
    private List<String> securityOpts = new ArrayList<>();
    private boolean detach;
    private boolean sharePid;
    private List<String> capAdd = new ArrayList<>();
    private List<String> capDrop = new ArrayList<>();
    private boolean privileged;
    private List<String> devices = new ArrayList<>();
    private Path uuidFile;
    private String pull = "missing";
    private String logDriver;
    private Conmon.LogDriver logTo;
    private String supervisor;

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
        spec.addOption(Specs.flag(v -> sharePid = v, () -> sharePid, "--share-pid")
                .description("In a pod of several apps, let the apps share one pid namespace, held by a pause process"
                        + " (catatonit): each app sees and may signal the others' processes.").build());
        spec.addOption(Specs.repeatable("SRC:DST[:ro]", v -> volumes = v, () -> volumes, "-v", "--volume")
                .description("Bind-mount a host path (repeatable).").build());
        spec.addOption(Specs.repeatable("DST[:OPTIONS]", v -> tmpfs = v, () -> tmpfs, "--tmpfs")
                .description("Mount a tmpfs (repeatable).").build());
        spec.addOption(Specs.flag(v -> readOnly = v, () -> readOnly, "--read-only")
                .description("Mount the root read-only (with tmpfs on /run, /tmp and /var/tmp).").build());
        spec.addOption(Specs.option(String.class, "none|host|bridge|NAME", v -> network = v, () -> network, "--net", "--network")
                .defaultValue("none").description("The network: none (only loopback, the default), host,"
                        + " bridge (jrun's bridge network, 10.87.0.0/16) or the name of a CNI network.").build());
        spec.addOption(Specs.repeatable("[HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|udp]", v -> publish = v, () -> publish,
                        "-p", "--publish")
                .description("Publish a container port on a host port (repeatable); needs --net=bridge or a CNI network.")
                .build());
        spec.addOption(Specs.option(Path.class, "DIR", v -> cniConfigDir = v, () -> cniConfigDir, "--cni-config-dir")
                .description("Where the CNI network configuration lists are (default: /etc/cni/net.d).").build());
        spec.addOption(Specs.option(Path.class, "DIR", v -> cniPluginDir = v, () -> cniPluginDir, "--cni-plugin-dir")
                .description("Where the CNI plugins are (default: /usr/lib/cni).").build());
        spec.addOption(Specs.flag(v -> interactive = v, () -> interactive, "-i", "--interactive")
                .description("Keep stdin open for the app (default: /dev/null).").build());
        spec.addOption(Specs.flag(v -> tty = v, () -> tty, "-t", "--tty")
                .description("Give the app a pseudo-terminal (with -i, the user's terminal goes raw).").build());
        spec.addOption(Specs.repeatable("OPT", v -> securityOpts = v, () -> securityOpts, "--security-opt")
                .description("A security option (repeatable): seccomp=unconfined turns the seccomp filter off,"
                        + " seccomp=builtin is docker's default profile (the default), seccomp=FILE.json applies a docker/OCI profile;"
                        + " no-new-privileges[=true|false] (default: true; false lets setuid programs gain privileges);"
                        + " unmask=PATH[:PATH...]|ALL leaves masked or read-only /proc and /sys paths open;"
                        + " label=disable and apparmor=unconfined are taken as they are jrun's only mode.").build());
        spec.addOption(Specs.flag(v -> detach = v, () -> detach, "-d", "--detach")
                .description("Start the pod under conmon, print its UUID and exit: no jrun stays while it runs;"
                        + " conmon records the app's exit and its output (jrun logs).").build());
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
                .description("Where conmon writes a detached pod's output: k8s-file in the pod (the default)"
                        + " or journald (the default with --sd-notify=conmon); jrun logs reads either.").build());
        spec.addOption(Specs.option(String.class, "jrun|conmon", v -> supervisor = v, () -> supervisor, "--supervisor")
                .description("Who supervises a foreground run's app: jrun (a JVM stays until the app ends) or conmon"
                        + " (this process becomes conmon once the app runs: no JVM stays; not with -t); the default is"
                        + " the system configuration's (docs/config.md), else jrun.").build());
        spec.addOption(Specs.option(String.class, "missing|always|never", v -> pull = v, () -> pull, "--pull")
                .defaultValue("missing").description("When to fetch the image: missing (default), always, never.").build());
    }

    @Override
    public Integer call() throws Exception {
        if (command.contains(AppOptions.SEPARATOR)) {
            return runPod();
        }
        if (sharePid) {
            throw new IllegalArgumentException("--share-pid is for a pod of several apps (IMG1 … --- IMG2 …):"
                    + " one app has its pid namespace to itself; drop --share-pid");
        }
        // every argument is checked before anything is created or fetched
        RunRequest request = request();
        String pullPolicy = pull.toLowerCase(Locale.ROOT);
        if (!List.of("missing", "always", "never").contains(pullPolicy)) {
            throw new IllegalArgumentException("invalid --pull '" + pull + "': use missing, always or never");
        }
        boolean conmonRequested = conmonSupervises();
        Conmon.Programs programs = conmonRequested ? Conmon.Programs.find() : null; // before anything is created
        Pods pods = Pods.open(root.dir);
        String stored = ensureImage(pods.images(), pullPolicy);
        request = request.withImage(stored);
        if (conmonRequested && !detach && !stopsWithSigterm(pods, stored)) {
            programs = null; // the configured default: jrun supervises what conmon would stop otherwise than jrun does
        }
        if (detach) {
            var supervision = new Conmon.Supervision(programs, logTo, systemd.policy());
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
            if (programs != null && !detach) {
                // returns only when the exec failed: this JVM goes on supervising the app then
                System.err.println("jrun: " + pods.handOverToConmon(pod, programs) + "; jrun supervises the app itself");
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

    /**
     * Whether conmon supervises this run: always with -d; in the foreground with
     * --supervisor=conmon, or without --supervisor when the system configuration says conmon
     * (a -t run stays jrun's then: conmon cannot relay a terminal to jrun's). Checks the
     * combinations that cannot work.
     */
    private boolean conmonSupervises() throws IOException {
        String explicit = supervisor == null ? null : supervisor.toLowerCase(Locale.ROOT);
        if (explicit != null && !SystemConfig.SUPERVISORS.contains(explicit)) {
            throw new IllegalArgumentException("invalid --supervisor '" + supervisor + "': use jrun or conmon");
        }
        if (detach) {
            if ("jrun".equals(explicit)) {
                throw new IllegalArgumentException("--supervisor=jrun with -d: conmon supervises every detached pod;"
                        + " drop --supervisor, or -d to run in the foreground");
            }
            return true;
        }
        if (explicit == null) {
            return SystemConfig.load().supervisor().equals("conmon") && !tty;
        }
        if (explicit.equals("conmon") && tty) {
            throw new IllegalArgumentException("--supervisor=conmon with -t: conmon cannot relay the app's terminal to"
                    + " jrun's; drop -t, or use --supervisor=jrun");
        }
        return explicit.equals("conmon");
    }

    /**
     * Whether the image's StopSignal is SIGTERM. conmon passes the SIGTERM it gets on as it is,
     * where jrun sends the StopSignal: so --supervisor=conmon is refused for another
     * StopSignal, and the configured default leaves such a run to jrun.
     */
    private boolean stopsWithSigterm(Pods pods, String stored) throws IOException {
        String stop = pods.images().inspect(stored).parsedConfig().stopSignal();
        if (stop == null || stop.isEmpty() || io.jrun.linux.Signals.parse(stop) == io.jrun.linux.Processes.SIGTERM) {
            return true;
        }
        if (supervisor != null) {
            throw new IllegalArgumentException("image " + image + " stops with " + stop + ", and conmon passes the SIGTERM"
                    + " it gets on as it is: use --supervisor=jrun, which sends " + stop + " for SIGTERM");
        }
        return false;
    }

    /** Options before the first image that belong to one app: refused in a pod of several apps. */
    private static final List<String> APP_ONLY = List.of("-e", "--env-file", "-w", "-u", "--entrypoint", "-v", "--tmpfs",
            "--read-only", "-t", "-i");
    /** Pod options a pod of several apps does not take yet. */
    private static final List<String> NOT_FOR_PODS = List.of("--sd-notify", "--supervisor");

    /**
     * {@code jrun run [pod options] IMG1 [app options] [-- args] --- IMG2 [app options] [-- args] …}:
     * a pod of several apps, rkt style, sharing the network, IPC and UTS namespaces.
     */
    private int runPod() throws Exception {
        var parsed = spec.commandLine().getParseResult();
        for (String option : APP_ONLY) {
            if (parsed.hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " before the first image: in a pod of several apps, app options"
                        + " go after their app's IMAGE (jrun run [pod options] IMG1 [app options] --- IMG2 [app options])");
            }
        }
        for (String option : NOT_FOR_PODS) {
            if (parsed.hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " is not supported yet for a pod of several apps: run without it");
            }
        }
        if (systemd.listenFds() > 0) {
            throw new IllegalArgumentException("socket activation (LISTEN_FDS) is not supported for a pod of several apps");
        }
        RunRequest template = request(); // the pod's security and device options, checked
        String pullPolicy = pull.toLowerCase(Locale.ROOT);
        if (!List.of("missing", "always", "never").contains(pullPolicy)) {
            throw new IllegalArgumentException("invalid --pull '" + pull + "': use missing, always or never");
        }
        List<List<String>> parts = AppOptions.split(command);
        List<AppRequest> apps = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            apps.add(AppOptions.parse(parts.get(i), i == 0 ? image : null, template));
        }
        PodRequest.Builder pod = PodRequest.builder().name(name).hostname(hostname).network(network())
                .removeOnExit(remove).limits(cgroupOptions.limits()).cgroupParent(cgroupOptions.cgroupParent).sharePid(sharePid);
        for (AppRequest app : apps) {
            pod.app(app);
        }
        PodRequest checked = pod.build(); // every app checked before anything is fetched or made
        Pods pods = Pods.open(root.dir);
        PodRequest.Builder fetched = PodRequest.builder().name(name).hostname(hostname).network(network())
                .removeOnExit(remove).limits(cgroupOptions.limits()).cgroupParent(cgroupOptions.cgroupParent).sharePid(sharePid);
        for (AppRequest app : checked.apps()) {
            String stored = ensureImage(pods.images(), pullPolicy, app.process().image());
            fetched.app(AppRequest.builder(app.name(), app.process().withImage(stored)).init(app.init())
                    .restart(app.restart()).build());
        }
        AppPods appPods = AppPods.of(pods);
        if (detach) {
            Conmon.Programs programs = Conmon.Programs.find(); // before anything is created
            System.out.println(appPods.runDetached(fetched.build(), programs, this::saveUuid));
            return 0;
        }
        try (SignalForwarder signals = SignalForwarder.install()) {
            RunningAppPod running = appPods.prepare(fetched.build(), new Stdio(Path.of("/dev/null"), null, null),
                    this::saveUuid);
            signals.forwardTo(running::signal);
            return running.runToEnd();
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

    /** --net with -p and the CNI directories, checked. */
    private Network network() {
        List<io.jrun.runtime.net.PortMapping> ports = new ArrayList<>();
        for (String p : publish) {
            ports.add(io.jrun.runtime.net.PortMapping.parse(p));
        }
        return Network.parse(network, cniConfigDir, cniPluginDir, ports);
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
        addMounts(volumes, tmpfs, mounts, mountArgs);
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
                .user(user).name(name).hostname(hostname).mounts(mounts, mountArgs).network(network())
                .readOnly(readOnly).terminal(tty).interactive(interactive).removeOnExit(remove).seccomp(opts.seccomp())
                .security(security).limits(cgroupOptions.limits()).cgroupParent(cgroupOptions.cgroupParent)
                .listenFds(systemd.listenFds()).devices(deviceMappings).build();
    }

    /** Parses -v and --tmpfs into {@code mounts}, and adds them as typed to {@code asTyped} (for the pod's record). */
    static void addMounts(List<String> volumes, List<String> tmpfs, List<MountSpec> mounts, List<String> asTyped) {
        for (String v : volumes) {
            mounts.add(MountSpec.parseVolume(v));
            asTyped.add("-v " + v);
        }
        for (String t : tmpfs) {
            mounts.add(MountSpec.parseTmpfs(t));
            asTyped.add("--tmpfs " + t);
        }
    }

    /** The image's store name, fetched first as --pull says. */
    private String ensureImage(Images images, String policy) throws Exception {
        return ensureImage(images, policy, image);
    }

    /** {@code image}'s store name, fetched first as --pull says. */
    private String ensureImage(Images images, String policy, String image) throws Exception {
        return ensureImage(images, policy, image, registryFlags);
    }

    /** {@code image}'s store name, fetched first as {@code policy} (missing, always, never) says. */
    static String ensureImage(Images images, String policy, String image, RegistryFlags registryFlags) throws Exception {
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
