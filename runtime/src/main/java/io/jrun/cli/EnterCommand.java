package io.jrun.cli;

import io.jrun.runtime.EnterRequest;
import io.jrun.runtime.Pods;
import io.jrun.runtime.RunningContainer;
import io.jrun.runtime.Stdio;
import io.jrun.runtime.pod.PodStatus;
import io.jrun.runtime.terminal.HostTerminal;
import io.jrun.runtime.terminal.TerminalSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jrun enter}: runs a command in a running pod's container, in the foreground, and exits
 * with its exit code, as {@code docker exec} does. Options after POD belong to the command.
 */
@Command(name = "enter", description = {
        "Run a command in a running pod's container (its namespaces, root, user, capabilities and",
        "seccomp profile), in the foreground; exit with the command's exit code.",
        "Without a command, the container's /bin/sh. Arguments after POD are the command's",
        "(a leading -- is dropped)."},
        mixinStandardHelpOptions = true)
final class EnterCommand implements Callable<Integer> {

    @ParentCommand
    JrunCommand root;

    @Parameters(index = "0", paramLabel = "POD", description = "A running pod's name, UUID or unique UUID prefix.")
    String pod;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command and its arguments (default: /bin/sh).")
    List<String> command = new ArrayList<>();

    @picocli.CommandLine.Mixin
    EnvFlags envFlags;

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory in the container (default: the app's).")
    String workingDir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]",
            description = "Run as this user (names from the container's /etc/passwd; default: the app's user and groups).")
    String user;

    @Option(names = {"-i", "--interactive"}, description = "Keep stdin open for the command (default: /dev/null).")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Give the command a pseudo-terminal (with -i, the user's terminal goes raw).")
    boolean tty;

    @Override
    public Integer call() throws Exception {
        // every argument is checked before the pod is touched
        EnterRequest request = request();
        Pods pods = Pods.open(root.dir);
        PodStatus target = pods.find(pod);

        HostTerminal host = HostTerminal.standard();
        Stdio stdio = tty ? Stdio.terminal(host.windowSize()) : new Stdio(interactive ? null : Path.of("/dev/null"), null, null);
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
        return new EnterRequest(args, environment, workingDir, user);
    }
}
