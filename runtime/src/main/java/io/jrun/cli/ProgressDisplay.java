package io.jrun.cli;

import io.jrun.images.fetch.FetchListener;
import io.jrun.images.oci.Descriptor;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line per layer on a terminal, redrawn in place at most ten times a second. Only used
 * when stderr is a tty; pipes and log files get no progress output at all.
 */
final class ProgressDisplay implements FetchListener, AutoCloseable {
    private static final long REDRAW_NANOS = 100_000_000L;
    private final PrintStream out;
    private final int columns;
    private final Map<Descriptor, String> states = new LinkedHashMap<>();
    private int linesDrawn;
    private long lastDraw;

    ProgressDisplay(PrintStream out, int columns) {
        this.out = out;
        this.columns = columns > 20 ? columns : 80;
    }

    @Override
    public synchronized void resolved(String name, List<Descriptor> layers) {
        out.println("Fetching " + name);
        layers.forEach(l -> states.putIfAbsent(l, "waiting"));
        draw(true);
    }

    @Override
    public synchronized void layerStarted(Descriptor layer) {
        states.put(layer, "downloading");
        draw(false);
    }

    @Override
    public synchronized void layerProgress(Descriptor layer, long bytes) {
        states.put(layer, Sizes.human(bytes) + " / " + Sizes.human(layer.size()));
        draw(false);
    }

    @Override
    public synchronized void layerDone(Descriptor layer, boolean alreadyPresent) {
        states.put(layer, alreadyPresent ? "already present" : "done (" + Sizes.human(layer.size()) + ")");
        draw(true);
    }

    synchronized void finish() {
        draw(true);
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        StringBuilder b = new StringBuilder();
        if (linesDrawn > 0) {
            b.append("\u001b[").append(linesDrawn).append('F'); // cursor up to the first layer line
        }
        for (Map.Entry<Descriptor, String> e : states.entrySet()) {
            String line = "  " + e.getKey().digest().shortHex() + "  " + e.getValue();
            if (line.length() > columns - 1) {
                line = line.substring(0, columns - 1);
            }
            b.append(line).append("\u001b[K\n");
        }
        linesDrawn = states.size();
        out.print(b);
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
