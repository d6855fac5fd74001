package io.jrun.cli;

import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Entry point of the jrun command. */
public final class Main {
    /**
     * The commands, registered lazily: picocli reads a command's annotations when it is added,
     * which costs tens of milliseconds each on a cold JVM, so only the one invoked is added.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("fetch", FetchCommand::new);
        COMMANDS.put("image", ImageCommand::new);
        COMMANDS.put("run", RunCommand::new);
        COMMANDS.put("enter", EnterCommand::new);
        COMMANDS.put("list", ListCommand::new);
        COMMANDS.put("status", StatusCommand::new);
        COMMANDS.put("stop", StopCommand::new);
        COMMANDS.put("rm", RmCommand::new);
        COMMANDS.put("gc", GcCommand::new);
    }

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs jrun with {@code args} and returns its exit code (for embedding and tests). */
    public static int run(String... args) {
        JrunCommand root = new JrunCommand();
        CommandLine cli = new CommandLine(root)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUsageHelpAutoWidth(true);
        String invoked = commandName(args);
        boolean onlyVersion = args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
        COMMANDS.forEach((name, command) -> {
            if (invoked == null ? !onlyVersion : invoked.equals(name)) {
                cli.addSubcommand(name, command.get());
            }
        });
        cli.setExecutionExceptionHandler(new ErrorHandler(root));
        cli.setParameterExceptionHandler(ErrorHandler::parameterError);
        if ("run".equals(invoked) || "enter".equals(invoked)) {
            // options after IMAGE (POD) are the command's, as in docker: jrun run busybox ls -l
            cli.getSubcommands().get(invoked).setStopAtPositional(true)
                    // an option's value may start with '-', as docker takes it: -u -minus, -e -x=1
                    .setAllowOptionsAsOptionParameters(true);
        }
        return cli.execute(args);
    }

    /** The first argument that is a known command, skipping the root's options; null if none. */
    private static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--dir")) {
                i++; // its value
            } else if (!arg.startsWith("-")) {
                return COMMANDS.containsKey(arg) ? arg : null;
            }
        }
        return null;
    }
}
