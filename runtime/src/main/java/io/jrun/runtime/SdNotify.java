package io.jrun.runtime;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.UnixDatagrams;
import io.jrun.runtime.prepare.MountSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * systemd's readiness protocol (Type=notify) for jrun run: who tells systemd that the service is
 * up, and which process systemd then takes as the unit's main process.
 * <ul>
 * <li>{@link Mode#JRUN} (foreground): jrun sends READY=1 once the app runs and stays the main
 *     process, supervising the app.</li>
 * <li>{@link Mode#CONTAINER} (foreground): the socket is bind-mounted into the container at
 *     {@value #CONTAINER_NOTIFY_SOCKET}, with NOTIFY_SOCKET set there: the app reports itself
 *     (the unit needs NotifyAccess=all).</li>
 * <li>{@link Mode#CONMON} (jrun run -d, podman's quadlet pattern): once the app runs, jrun sends
 *     MAINPID= conmon's pid with READY=1 and exits. conmon has double-forked by then, so its
 *     parent is PID 1, that is systemd: systemd takes it as its own child, waits for it and
 *     records its exit status, which is the app's (conmon exits with it). No JVM stays.</li>
 * <li>{@link Mode#IGNORE}: nothing is sent.</li>
 * </ul>
 * The former {@code main-pid} mode (MAINPID= the app itself, jrun exits) is retired: the app is
 * jrun's child when MAINPID= arrives, so systemd takes it as an "alien" main process it cannot
 * wait for, SIGKILLs it at once on stop and records that SIGKILL instead of the app's code.
 */
public final class SdNotify {
    /** Where --sd-notify=container puts systemd's socket in the container. */
    public static final String CONTAINER_NOTIFY_SOCKET = "/run/notify/notify.sock";

    public enum Mode {
        JRUN, CONTAINER, CONMON, IGNORE;

        public String option() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Mode mode;
    /** NOTIFY_SOCKET from systemd, or null outside a Type=notify unit. */
    private final String socket;

    private SdNotify(Mode mode, String socket) {
        this.mode = mode;
        this.socket = socket;
    }

    /**
     * The mode named {@code option} for a run that is detached or not, with the socket from
     * {@code env}; every combination that cannot work is refused here, before anything is made.
     */
    public static SdNotify of(String option, Map<String, String> env, boolean detach) {
        String name = option.toLowerCase(Locale.ROOT);
        if (name.equals("main-pid")) {
            throw new IllegalArgumentException("--sd-notify=main-pid is retired (systemd could not wait for an app it did not"
                    + " start): use jrun run -d --sd-notify=conmon, see docs/systemd.md");
        }
        Mode mode = switch (name) {
            case "jrun" -> Mode.JRUN;
            case "container" -> Mode.CONTAINER;
            case "conmon" -> Mode.CONMON;
            case "ignore" -> Mode.IGNORE;
            default -> throw new IllegalArgumentException("invalid --sd-notify '" + option
                    + "': use jrun, container, conmon or ignore");
        };
        String socket = env.get("NOTIFY_SOCKET");
        if (mode == Mode.CONMON) {
            if (!detach) {
                throw new IllegalArgumentException("--sd-notify=conmon makes conmon the unit's main process, which needs a"
                        + " detached pod: add -d (jrun run -d --sd-notify=conmon …)");
            }
            if (socket == null) {
                throw new IllegalArgumentException("--sd-notify=conmon needs systemd's NOTIFY_SOCKET: run jrun from a unit"
                        + " with Type=notify");
            }
        }
        if (mode == Mode.CONTAINER && socket != null && socket.startsWith("@")) {
            throw new IllegalArgumentException("--sd-notify=container needs a NOTIFY_SOCKET path, not the abstract "
                    + socket + " (abstract sockets stay in the host's network namespace): use --sd-notify=jrun");
        }
        return new SdNotify(mode, socket);
    }

    public Mode mode() {
        return mode;
    }

    /** --sd-notify=container under systemd: the socket's bind mount and NOTIFY_SOCKET for the app. */
    public void addTo(List<String> env, List<MountSpec> mounts) {
        if (mode == Mode.CONTAINER && socket != null) {
            mounts.add(new MountSpec.Bind(Path.of(socket), CONTAINER_NOTIFY_SOCKET, false));
            env.add("NOTIFY_SOCKET=" + CONTAINER_NOTIFY_SOCKET);
        }
    }

    /** A foreground run's app runs: READY=1 from jrun, which stays the main process (mode jrun). */
    public void foregroundReady(RunningPod pod) {
        if (mode != Mode.JRUN || socket == null) {
            return;
        }
        try {
            send("READY=1\nSTATUS=" + status(pod.uuid(), pod.pid()));
        } catch (ErrnoException e) {
            System.err.println("jrun: cannot notify systemd at " + socket + ": " + e.getMessage());
        }
    }

    /**
     * A detached pod's app runs under conmon: with --sd-notify=conmon, conmon becomes the unit's
     * main process and the unit is ready. A failure is thrown: the unit would wait for READY=1
     * in vain, and the caller stops the app.
     */
    void detachedReady(String uuid, long conmonPid, long appPid) throws java.io.IOException {
        if (mode != Mode.CONMON) {
            return;
        }
        try {
            send("MAINPID=" + conmonPid + "\nREADY=1\nSTATUS=" + status(uuid, appPid));
        } catch (ErrnoException e) {
            throw new java.io.IOException("cannot hand the unit to conmon through systemd's " + socket + ": " + e.getMessage(), e);
        }
    }

    private static String status(String uuid, long appPid) {
        return "pod " + uuid + " running, app pid " + appPid + "\n";
    }

    private void send(String message) throws ErrnoException {
        UnixDatagrams.send(socket, message.getBytes(StandardCharsets.UTF_8));
    }
}
