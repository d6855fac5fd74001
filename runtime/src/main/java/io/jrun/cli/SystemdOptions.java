package io.jrun.cli;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Processes;
import io.jrun.linux.Signals;
import io.jrun.linux.UnixDatagrams;
import io.jrun.runtime.prepare.MountSpec;
import io.jrun.runtime.RunningPod;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * jrun run under systemd: readiness (Type=notify), socket activation and the stop signal.
 * <ul>
 * <li>NOTIFY_SOCKET: by default jrun itself sends READY=1 once the app runs (has exec'd);
 *     {@code --sd-notify=container} instead bind-mounts the socket into the container at
 *     {@value #CONTAINER_NOTIFY_SOCKET} and sets NOTIFY_SOCKET there, so the app reports its
 *     own readiness (the unit needs NotifyAccess=all: the app is not the unit's main process);
 *     {@code ignore} does neither.</li>
 * <li>LISTEN_FDS: when LISTEN_PID names this process, descriptors 3 to 3+LISTEN_FDS-1 go to
 *     the app at the same numbers, with LISTEN_FDS, LISTEN_FDNAMES and LISTEN_PID=1: the app
 *     is pid 1 of its pid namespace, which is the pid sd_listen_fds(3) compares with.</li>
 * </ul>
 */
final class SystemdOptions {
    static final String CONTAINER_NOTIFY_SOCKET = "/run/notify/notify.sock";

    private String sdNotify = "jrun";

    void addTo(CommandSpec spec) {
        spec.addOption(Specs.option(String.class, "jrun|container|main-pid|ignore", v -> sdNotify = v, () -> sdNotify,
                "--sd-notify").defaultValue("jrun")
                .description("Under systemd's Type=notify: jrun sends READY=1 once the app runs (jrun, the default),"
                        + " the app gets NOTIFY_SOCKET to send it itself (container; the unit needs NotifyAccess=all),"
                        + " jrun hands the app to systemd as the main process (MAINPID=) and exits (main-pid), or neither (ignore).")
                .build());
    }

    int listenFds() {
        String fds = System.getenv("LISTEN_FDS");
        String pid = System.getenv("LISTEN_PID");
        if (fds == null || pid == null || !pid.strip().equals(Long.toString(ProcessHandle.current().pid()))) {
            return 0; // not for this process (sd_listen_fds' rule)
        }
        try {
            int n = Integer.parseInt(fds.strip());
            if (n < 0 || n > 1000) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid LISTEN_FDS '" + fds + "' from systemd: expected a small count");
        }
    }

    /** The app's environment and mounts for socket activation and --sd-notify=container. */
    void addTo(List<String> env, List<MountSpec> mounts, boolean detach, boolean remove) {
        String mode = mode();
        if (mode.equals("main-pid")) {
            if (System.getenv("NOTIFY_SOCKET") == null) {
                throw new IllegalArgumentException("--sd-notify=main-pid needs systemd's NOTIFY_SOCKET: run jrun from a unit with Type=notify");
            }
            if (detach || remove) {
                throw new IllegalArgumentException("--sd-notify=main-pid hands the app to systemd and exits: drop "
                        + (detach ? "--detach" : "--rm (jrun gc removes the pod once its app has exited)"));
            }
        }
        int fds = listenFds();
        if (fds > 0) {
            if (detach) {
                throw new IllegalArgumentException("socket activation (LISTEN_FDS) with --detach is not supported: run jrun in the foreground");
            }
            env.add("LISTEN_FDS=" + fds);
            env.add("LISTEN_PID=1");
            String names = System.getenv("LISTEN_FDNAMES");
            if (names != null) {
                env.add("LISTEN_FDNAMES=" + names);
            }
        }
        String socket = System.getenv("NOTIFY_SOCKET");
        if (mode.equals("container") && socket != null) {
            if (socket.startsWith("@")) {
                throw new IllegalArgumentException("--sd-notify=container needs a NOTIFY_SOCKET path, not the abstract "
                        + socket + " (abstract sockets stay in the host's network namespace): use --sd-notify=jrun");
            }
            mounts.add(new MountSpec.Bind(Path.of(socket), CONTAINER_NOTIFY_SOCKET, false));
            env.add("NOTIFY_SOCKET=" + CONTAINER_NOTIFY_SOCKET);
        }
    }

    /** Tells systemd the service is ready once the app runs, unless the app does so itself. */
    void launched(RunningPod pod) {
        String socket = System.getenv("NOTIFY_SOCKET");
        if (socket == null || !(mode().equals("jrun") || handsOver())) {
            return;
        }
        String message = (handsOver() ? "MAINPID=" + pod.pid() + "\n" : "")
                + "READY=1\nSTATUS=pod " + pod.uuid() + " running, app pid " + pod.pid() + "\n";
        try {
            UnixDatagrams.send(socket, message.getBytes(StandardCharsets.UTF_8));
        } catch (ErrnoException e) {
            if (handsOver()) {
                throw new IllegalStateException("cannot hand the app to systemd at " + socket + ": " + e.getMessage(), e);
            }
            System.err.println("jrun: cannot notify systemd at " + socket + ": " + e.getMessage());
        }
    }

    /**
     * --sd-notify=main-pid: systemd takes the app as the unit's main process; jrun lets go of the
     * pod and exits, so no JVM stays resident. The app, reparented to systemd when jrun exits, is
     * reaped by it (its exit code is the unit's ExecMainStatus), and systemctl stop signals it
     * directly: set the unit's KillSignal= to the image's StopSignal.
     */
    boolean handsOver() {
        return mode().equals("main-pid");
    }

    /** Forwards signals to the app; SIGTERM (docker stop's, and systemctl stop's) becomes the image's StopSignal. */
    static SignalForwarder.Target stopSignalFor(RunningPod pod) {
        int stop = Signals.parse(pod.manifest().stopSignal() == null ? "SIGTERM" : pod.manifest().stopSignal());
        return signal -> pod.signal(signal == Processes.SIGTERM ? stop : signal);
    }

    private String mode() {
        String mode = sdNotify.toLowerCase(Locale.ROOT);
        if (!List.of("jrun", "container", "main-pid", "ignore").contains(mode)) {
            throw new IllegalArgumentException("invalid --sd-notify '" + sdNotify + "': use jrun, container, main-pid or ignore");
        }
        return mode;
    }
}
