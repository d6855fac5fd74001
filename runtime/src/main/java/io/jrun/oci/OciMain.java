package io.jrun.oci;

import io.jrun.cli.ErrorHandler;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Entry point of {@code jrun-oci}. Errors are one line on stderr, and with {@code --log} also
 * in that file ({@code --log-format json}: runc's {"level","msg","time"} lines, which podman
 * and conmon read); exit code 125, or the exec'd process's own.
 */
public final class OciMain {
    private static final Map<String, Function<OciCommand, CommandSpec>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("create", root -> new CreateCommand(root).spec);
        COMMANDS.put("start", root -> new StartCommand(root).spec);
        COMMANDS.put("state", root -> new StateCommand(root).spec);
        COMMANDS.put("kill", root -> new KillCommand(root).spec);
        COMMANDS.put("delete", root -> new DeleteCommand(root).spec);
        COMMANDS.put("exec", root -> new ExecCommand(root).spec);
        COMMANDS.put("run", root -> new RunCommand(root).spec);
        COMMANDS.put("ps", root -> new PsCommand(root).spec);
        COMMANDS.put("list", root -> new ListCommand(root).spec);
        COMMANDS.put("features", root -> new FeaturesCommand(root).spec);
    }

    private OciMain() {
    }

    public static void main(String[] args) {
        int code = run(args);
        System.out.flush();
        System.err.flush();
        // halt, not exit: a created container's process may still wait in posix_spawn's clone,
        // sharing this JVM's memory; no shutdown work may touch it (and there is none to do)
        Runtime.getRuntime().halt(code);
    }

    public static int run(String... args) {
        OciCommand root = new OciCommand();
        CommandLine cli = new CommandLine(root.spec);
        COMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.apply(root)));
        cli.setUsageHelpAutoWidth(true);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            String message = ErrorHandler.describe(e);
            PrintWriter err = line.getErr();
            err.println("jrun-oci: " + message);
            if (root.debug) {
                e.printStackTrace(err);
            }
            err.flush();
            int code = e instanceof io.jrun.runtime.launch.LaunchException launch ? launch.exitCode() : 125;
            root.log("error", message, code);
            return code;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            String message = e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')";
            e.getCommandLine().getErr().println("jrun-oci: " + message);
            e.getCommandLine().getErr().flush();
            root.log("error", message);
            return 125;
        });
        if (commandIs(args, "exec") || commandIs(args, "run")) {
            cli.getSubcommands().get(commandIs(args, "exec") ? "exec" : "run").setStopAtPositional(true);
        }
        return cli.execute(args);
    }

    /** Whether the command is {@code name}: the first argument that is neither an option nor a global option's value. */
    private static boolean commandIs(String[] args, String name) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (List.of("--root", "--log", "--log-format", "--log-level", "--rootless").contains(a)) {
                i++; // its value
            } else if (!a.startsWith("-")) {
                return a.equals(name);
            }
        }
        return false;
    }
}
