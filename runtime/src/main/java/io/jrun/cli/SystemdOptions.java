package io.jrun.cli;

import io.jrun.linux.Processes;
import io.jrun.linux.Signals;
import io.jrun.runtime.RunningPod;
import io.jrun.runtime.SdNotify;
import io.jrun.runtime.prepare.MountSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;

/**
 * jrun run under systemd: the options and environment a unit gives it. The readiness policy
 * (--sd-notify) is the engine's: {@link SdNotify}.
 * <ul>
 * <li>LISTEN_FDS: when LISTEN_PID names this process, descriptors 3 to 3+LISTEN_FDS-1 go to
 *     the app at the same numbers, with LISTEN_FDS, LISTEN_FDNAMES and LISTEN_PID=1: the app
 *     is pid 1 of its pid namespace, which is the pid sd_listen_fds(3) compares with.</li>
 * </ul>
 */
final class SystemdOptions {
    private String sdNotify = "jrun";
    private SdNotify policy;

    void addTo(CommandSpec spec) {
        spec.addOption(Specs.option(String.class, "jrun|container|conmon|ignore", v -> sdNotify = v, () -> sdNotify,
                "--sd-notify").defaultValue("jrun")
                .description("Under systemd's Type=notify: jrun sends READY=1 once the app runs (jrun, the default),"
                        + " the app gets NOTIFY_SOCKET to send it itself (container; the unit needs NotifyAccess=all),"
                        + " with -d conmon becomes the unit's main process (MAINPID=) and jrun exits (conmon), or neither (ignore).")
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
    void addTo(List<String> env, List<MountSpec> mounts, boolean detach) {
        policy = SdNotify.of(sdNotify, System.getenv(), detach);
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
        policy.addTo(env, mounts);
    }

    /** The readiness policy the options chose (after {@link #addTo(List, List, boolean)}). */
    SdNotify policy() {
        return policy;
    }

    /** Forwards signals to the app; SIGTERM (docker stop's, and systemctl stop's) becomes the image's StopSignal. */
    static SignalForwarder.Target stopSignalFor(RunningPod pod) {
        int stop = Signals.parse(pod.manifest().stopSignal() == null ? "SIGTERM" : pod.manifest().stopSignal());
        return signal -> pod.signal(signal == Processes.SIGTERM ? stop : signal);
    }
}
