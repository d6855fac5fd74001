package io.jrun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Entry point of the jrun command. */
public final class Main {
    /**
     * The commands, registered lazily: only the one invoked is built and added (all of them
     * for help), as building one costs a cold JVM a few milliseconds.
     */
    private static final Map<String, Function<JrunCommand, CommandSpec>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("fetch", root -> new FetchCommand(root).spec.aliases("pull"));
        COMMANDS.put("image", root -> new ImageCommand(root).spec);
        COMMANDS.put("run", root -> new RunCommand(root).spec);
        COMMANDS.put("enter", root -> new EnterCommand(root).spec.aliases("exec"));
        COMMANDS.put("list", root -> new ListCommand(root).spec.aliases("ps"));
        COMMANDS.put("status", root -> new StatusCommand(root).spec);
        COMMANDS.put("stop", root -> new StopCommand(root).spec);
        COMMANDS.put("rm", root -> new RmCommand(root).spec);
        COMMANDS.put("gc", root -> new GcCommand(root).spec);
        COMMANDS.put("logs", root -> new LogsCommand(root).spec);
        COMMANDS.put("inspect", root -> new InspectCommand(root).spec);
        COMMANDS.put("kill", root -> new KillCommand(root).spec);
        COMMANDS.put("wait", root -> new WaitCommand(root).spec);
        COMMANDS.put("top", root -> new TopCommand(root).spec);
        COMMANDS.put("stats", root -> new StatsCommand(root).spec);
        COMMANDS.put("images", root -> new ImageCommand.ListImages(new ImageCommand(root), "images").spec);
        COMMANDS.put("rmi", root -> new ImageCommand.Remove(new ImageCommand(root), "rmi").spec);
        COMMANDS.put("play", root -> new PlayCommand(root).spec);
        COMMANDS.put("cleanup", root -> new CleanupCommand(root).spec);
    }

    /** podman's names for jrun's commands (picocli's aliases, shown in help), to find the command to build. */
    private static final Map<String, String> ALIASES = Map.of("pull", "fetch", "exec", "enter", "ps", "list");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs jrun with {@code args} and returns its exit code (for embedding and tests). */
    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The command line for {@code args}: the root and the invoked command (every command for help). */
    static CommandLine commandLine(String... args) {
        JrunCommand root = new JrunCommand();
        CommandLine cli = new CommandLine(root.spec);
        String invoked = commandName(args);
        boolean onlyVersion = args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
        COMMANDS.forEach((name, command) -> {
            if (invoked == null ? !onlyVersion : invoked.equals(name)) {
                cli.addSubcommand(name, command.apply(root));
            }
        });
        // these settings reach the subcommands present when they are made, so they come after
        cli.setCaseInsensitiveEnumValuesAllowed(true).setUsageHelpAutoWidth(true);
        cli.setExecutionExceptionHandler(new ErrorHandler(root));
        cli.setParameterExceptionHandler(ErrorHandler::parameterError);
        if ("run".equals(invoked) || "enter".equals(invoked)) {
            // options after IMAGE (POD) are the command's, as in docker: jrun run busybox ls -l
            cli.getSubcommands().get(invoked).setStopAtPositional(true)
                    // an option's value may start with '-', as docker takes it: -u -minus, -e -x=1
                    .setAllowOptionsAsOptionParameters(true);
        }
        return cli;
    }

    /** The first argument that is a known command or alias (as the command's name), skipping the root's options; null if none. */
    private static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--dir")) {
                i++; // its value
            } else if (!arg.startsWith("-")) {
                return COMMANDS.containsKey(arg) ? arg : ALIASES.get(arg);
            }
        }
        return null;
    }
}
