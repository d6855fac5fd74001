/**
 * Attaching the user's terminal to a container's terminal ({@code jrun run -t}, {@code -it}):
 * raw mode, the relays and window-size changes. See {@link io.jrun.runtime.terminal.TerminalSession}.
 */
package io.jrun.runtime.terminal;
