package io.jrun.nativetests.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real terminal for tests of {@code -t}: a tmux server of the test's own (its socket in the
 * test's directory), 100 columns by 30 rows, running one command whose output, exit code and
 * the terminal's modes afterwards ({@code stty -a}) land in a file.
 */
public final class TmuxTerminal implements AutoCloseable {
    private final List<String> tmux;
    private final Path out;

    private TmuxTerminal(List<String> tmux, Path out) {
        this.tmux = tmux;
        this.out = out;
    }

    /** Starts {@code command} in a new tmux server whose socket and output file live in {@code dir}. */
    public static TmuxTerminal start(Path dir, List<String> command) throws Exception {
        Tools.require("tmux");
        Path out = dir.resolve("tmux.out");
        StringBuilder line = new StringBuilder();
        for (String arg : command) {
            line.append('\'').append(arg.replace("'", "'\\''")).append("' ");
        }
        line.append("> ").append(out).append(" 2>&1; echo exit=$? >> ").append(out).append("; stty -a >> ").append(out);
        TmuxTerminal terminal = new TmuxTerminal(List.of("tmux", "-S", dir.resolve("tmux.socket").toString()), out);
        terminal.tmux("new-session", "-d", "-x", "100", "-y", "30", line + "; sleep 60");
        return terminal;
    }

    /** Types {@code keys} (tmux send-keys names: "Enter", "C-c", or text). */
    public void type(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** Waits until the output holds {@code text} (a bounded wait), and returns the output. */
    public String await(String text) throws Exception {
        for (int i = 0; i < 6000 && !output().contains(text); i++) {
            Thread.sleep(10);
        }
        assertThat(output()).contains(text);
        return output();
    }

    /** Waits until the command ended and stty has reported the terminal's modes; returns the output. */
    public String awaitEnd() throws Exception {
        await("exit=");
        return await("columns");
    }

    private String output() throws IOException {
        return Files.exists(out) ? Files.readString(out) : "";
    }

    private void tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(tmux);
        command.addAll(List.of(args));
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).as(String.join(" ", command)).isZero();
    }

    /** Ends the tmux server (and what still runs in it). */
    @Override
    public void close() throws Exception {
        List<String> kill = new ArrayList<>(tmux);
        kill.add("kill-server");
        new ProcessBuilder(kill).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }
}
