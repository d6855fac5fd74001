package io.jrun.cli;

import picocli.CommandLine;

/** Entry point of the jrun command. */
public final class Main {
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
        cli.setExecutionExceptionHandler(new ErrorHandler(root));
        cli.setParameterExceptionHandler(ErrorHandler::parameterError);
        return cli.execute(args);
    }
}
