package io.jrun.cli;

import io.jrun.linux.ErrnoException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends SIGTERM, SIGINT and SIGHUP that reach jrun on to the container's pid 1 (jrun run) or
 * to the process started in a container (jrun enter), as docker run does: jrun itself keeps
 * waiting, and exits with the process's code once it ends. Signals that arrive while the
 * process is still being set up are held and sent once it runs. Installed before the start, so
 * that no such signal ends jrun with its process unsupervised.
 */
final class SignalForwarder implements AutoCloseable {
    private static final String[] SIGNALS = {"TERM", "INT", "HUP"};
    private final List<Integer> pending = new ArrayList<>(); // guarded by this
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private Target target; // guarded by this

    /** Where signals go: a pod's app, or a process started in a container. */
    interface Target {
        void signal(int signal) throws ErrnoException;
    }

    private SignalForwarder() {
    }

    static SignalForwarder install() {
        SignalForwarder forwarder = new SignalForwarder();
        for (String name : SIGNALS) {
            Signal signal = new Signal(name);
            forwarder.previous.add(Signal.handle(signal, s -> forwarder.received(s.getNumber())));
            forwarder.installed.add(signal);
        }
        return forwarder;
    }

    private synchronized void received(int signal) {
        if (target == null) {
            pending.add(signal);
            return;
        }
        send(signal);
    }

    synchronized void forwardTo(Target target) {
        this.target = target;
        pending.forEach(this::send);
        pending.clear();
    }

    private void send(int signal) {
        try {
            target.signal(signal);
        } catch (ErrnoException e) {
            // the process is gone: waitForExit tells the rest
        }
    }

    /** Puts back the JVM's handlers (embedding and tests run more than one command per JVM). */
    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
    }
}
