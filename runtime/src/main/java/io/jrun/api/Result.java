package io.jrun.api;

/**
 * How a command that ran to its end ended: its exit code and what it wrote.
 *
 * <pre>{@code
 * Result ps = container.exec("ps");
 * if (ps.exitCode() == 0) System.out.print(ps.output());
 * }</pre>
 *
 * @param exitCode the command's own exit code, or 128 + N when signal N ended it
 * @param output   its standard output and error, in the order written (UTF-8)
 */
public record Result(int exitCode, String output) {
}
