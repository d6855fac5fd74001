package io.jrun.nativetests.harness;

import io.jrun.linux.Capabilities;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the test JVM a child subreaper ({@code prctl(PR_SET_CHILD_SUBREAPER)}), so that what a
 * test's processes leave behind stays among this JVM's descendants instead of going to init: the
 * supervisor of a detached {@code jrun run -d} once the CLI has exited, the app of a jrun that was
 * SIGKILLed, a daemonizing tmux server, a grandchild a test leaked. {@link HostLeftAsItWas} then
 * sees them all through {@link ProcessHandle#descendants()}.
 *
 * <p>What this JVM adopts it must reap, as init would: a zombie nobody waits for stays in the
 * process table, jrun takes an abandoned app that is a zombie for alive (its pid and start time
 * are still there), and {@code ProcessHandle.onExit()} of an adopted process never completes. A
 * daemon thread reaps every {@value #POLL_MILLIS} ms, {@link #reapAdopted()} at once. It must never
 * reap a child that someone in this JVM will wait for (a JDK {@link Process}, a container that
 * jrun's launcher started in-process), and the kernel does not say which children were adopted:
 * <ul>
 * <li>Orphans go to the subreaper's first live thread, its leader, which in a {@code java}
 *     launcher only waits for the Java main thread and starts nothing: only its
 *     {@code /proc/self/task/PID/children} is read. But the children of a thread that ends go
 *     there too: a JDK Process whose starting thread has ended, and every container the launch
 *     engine starts in-process (LaunchTest), from a throw-away thread.</li>
 * <li>A JDK Process is in this JVM's session (ProcessBuilder does not call setsid), whereas what
 *     jrun starts (the app, a detached supervisor, the /proc helper, {@code jrun enter}'s process)
 *     and daemons such as tmux lead sessions of their own: only zombies of another session are
 *     reaped. An orphan of this session (a leaked grandchild of a host shell) is reported as left
 *     behind while it runs, and is the leaking test's to reap.</li>
 * <li>An in-process container leads a session of its own too. So the subreaper is on only
 *     between {@link #begin()} and {@link #end()}: while a class of tests that run jrun as a
 *     command runs ({@link HostLeftAsItWas}), none of which launches in-process. Outside, orphans
 *     go to init as before and nothing is reaped.</li>
 * </ul>
 */
public final class Subreaper {
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final long POLL_MILLIS = 20;
    private static int users;
    private static Thread reaper;

    private Subreaper() {
    }

    /**
     * Makes this JVM a child subreaper and starts its reaper, until the matching {@link #end()}.
     * Processes started before keep their old reaper (the kernel notes a subreaper among the
     * ancestors at fork).
     */
    public static synchronized void begin() {
        if (users++ > 0) {
            return;
        }
        subreaper(true);
        if (!Files.isReadable(leaderChildren())) {
            subreaper(false);
            users--;
            throw new IllegalStateException(leaderChildren() + " is missing: the harness needs a kernel with "
                    + "CONFIG_PROC_CHILDREN to find the processes this JVM adopts");
        }
        reaper = Thread.ofPlatform().daemon().name("test-subreaper").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    reapAdopted();
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a process went away between two reads: the next round sees the rest
                }
            }
        });
    }

    /** Stops adopting (orphans go to init again), stops the reaper and reaps what has exited. */
    public static void end() throws InterruptedException {
        Thread stopped;
        synchronized (Subreaper.class) {
            if (--users > 0) {
                return;
            }
            subreaper(false);
            stopped = reaper;
            reaper = null;
        }
        stopped.interrupt();
        stopped.join();
        reapAdopted();
    }

    private static void subreaper(boolean on) {
        try {
            Capabilities.prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0);
        } catch (ErrnoException e) {
            throw new IllegalStateException("prctl PR_SET_CHILD_SUBREAPER " + (on ? 1 : 0) + " on the test JVM: "
                    + e.getMessage(), e);
        }
    }

    /** Reaps every adopted child that has exited (of another session, see above); their pids. */
    public static synchronized List<Long> reapAdopted() {
        List<Long> reaped = new ArrayList<>();
        long session = session(ProcessHandle.current().pid());
        for (long pid : adopted()) {
            String stat = stat(pid);
            if (stat != null && state(stat) == 'Z' && field(stat, 3) != session) {
                try {
                    if (Processes.wait4(pid, Processes.WNOHANG) != null) {
                        reaped.add(pid);
                    }
                } catch (ErrnoException e) {
                    // reaped meanwhile by someone else
                }
            }
        }
        return reaped;
    }

    /** The children of this JVM's leader task: what it adopted (and Processes of ended threads). */
    private static List<Long> adopted() {
        try {
            String text = Files.readString(leaderChildren()).strip();
            List<Long> pids = new ArrayList<>();
            if (!text.isEmpty()) {
                for (String pid : text.split(" ")) {
                    pids.add(Long.parseLong(pid));
                }
            }
            return pids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path leaderChildren() {
        long pid = ProcessHandle.current().pid();
        return Path.of("/proc/self/task/" + pid + "/children");
    }

    private static long session(long pid) {
        String stat = stat(pid);
        if (stat == null) {
            throw new IllegalStateException("no /proc/" + pid + "/stat");
        }
        return field(stat, 3);
    }

    /** /proc/PID/stat, or null once the process is gone. */
    private static String stat(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Field 3 of proc_pid_stat(5), the state: the command name before it may hold spaces and ')'. */
    private static char state(String stat) {
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    /** Field {@code n} counted from the state as 0 (1: ppid, 2: pgrp, 3: session). */
    private static long field(String stat, int n) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[n]);
    }
}
