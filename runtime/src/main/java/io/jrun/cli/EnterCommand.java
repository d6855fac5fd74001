package io.jrun.cli;

import io.jrun.runtime.EnterRequest;
import io.jrun.runtime.Pods;
import io.jrun.runtime.launch.RunningContainer;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.pod.PodStatus;
import io.jrun.runtime.terminal.HostTerminal;
import io.jrun.runtime.terminal.TerminalSession;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jrun enter}: runs a command in a running pod's container, in the foreground, and exits
 * with its exit code, as {@code docker exec} does. Options after POD belong to the command.
 */
final class EnterCommand implements Callable<Integer> {
    private final JrunCommand root;
    final CommandSpec spec;
    private final EnvFlags envFlags = new EnvFlags();
    private String pod;
    private String app;
    private List<String> command = new ArrayList<>();
    private String workingDir;
    private String user;
    private boolean interactive;
    private boolean tty;

    EnterCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "enter",
                "Run a command in a running pod's container (its namespaces, root, user, capabilities and",
                "seccomp profile), in the foreground; exit with the command's exit code.",
                "Without a command, the container's /bin/sh. Arguments after POD are the command's",
                "(a leading -- is dropped).");
        spec.addPositional(Specs.positional("0", "POD", v -> pod = v, () -> pod)
                .description("A running pod's name, UUID or unique UUID prefix.").build());
        spec.addOption(Specs.option(String.class, "NAME", v -> app = v, () -> app, "--app")
                .description("The app of a pod of several apps (before POD, or right after it).").build());
        spec.addPositional(Specs.positionals("1..*", false, "COMMAND", v -> command = v, () -> command)
                .description("The command and its arguments (default: /bin/sh).").build());
        envFlags.addTo(spec);
        spec.addOption(Specs.option(String.class, "DIR", v -> workingDir = v, () -> workingDir, "-w", "--workdir")
                .description("Working directory in the container (default: the app's).").build());
        spec.addOption(Specs.option(String.class, "USER[:GROUP]", v -> user = v, () -> user, "-u", "--user")
                .description("Run as this user (names from the container's /etc/passwd; default: the app's user and groups).")
                .build());
        spec.addOption(Specs.flag(v -> interactive = v, () -> interactive, "-i", "--interactive")
                .description("Keep stdin open for the command (default: /dev/null).").build());
        spec.addOption(Specs.flag(v -> tty = v, () -> tty, "-t", "--tty")
                .description("Give the command a pseudo-terminal (with -i, the user's terminal goes raw).").build());
    }

    @Override
    public Integer call() throws Exception {
        // rkt's and the pods' order, jrun enter POD --app NAME [COMMAND]: right after POD, --app
        // is jrun's (everything else after POD is the command's)
        if (command.size() >= 2 && command.getFirst().equals("--app")) {
            app = command.get(1);
            command = command.subList(2, command.size());
        } else if (!command.isEmpty() && command.getFirst().startsWith("--app=")) {
            app = command.getFirst().substring("--app=".length());
            command = command.subList(1, command.size());
        }
        // every argument is checked before the pod is touched
        EnterRequest request = request();
        Pods pods = Pods.open(root.dir);
        PodStatus target = AppOptions.target(pods, pod, app); // --app: one app of a pod of several

        HostTerminal host = HostTerminal.standard();
        Stdio stdio = tty ? Stdio.inherit() : new Stdio(interactive ? null : Path.of("/dev/null"), null, null);
        try (SignalForwarder signals = SignalForwarder.install()) {
            RunningContainer process = pods.enter(target, request, stdio);
            signals.forwardTo(process::signal);
            if (tty) {
                // relays started here, on the untransformed main thread
                try (TerminalSession session = TerminalSession.attach(process, host, interactive)) {
                    return session.awaitExit();
                }
            }
            return process.waitForExit();
        }
    }

    private EnterRequest request() throws Exception {
        List<String> args = command;
        if (!args.isEmpty() && args.getFirst().equals("--")) {
            args = args.subList(1, args.size());
        }
        List<String> environment = envFlags.entries();
        if (tty && interactive && !HostTerminal.standard().inputIsTerminal()) {
            throw new IllegalArgumentException("the input device is not a TTY: drop -t, or run jrun from a terminal");
        }
        return new EnterRequest(args, environment, workingDir, user, tty, tty ? RunCommand.consoleSize(HostTerminal.standard()) : null);
    }
}
