package io.jrun.runtime.oci;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.Poll;
import io.jrun.linux.Processes;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.launch.HookRunner;
import io.jrun.runtime.spec.Spec;
import io.jrun.runtime.spec.State;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code delete}: removes what create made (the cgroup, the state directory) once the container
 * has stopped, and runs the poststop hooks; with {@code force} it kills a created or running
 * container first.
 */
public final class Delete {
    private Delete() {
    }

    /** How long a forced delete waits for the killed processes to be gone. */
    private static final long KILL_WAIT_MILLIS = 10_000;

    public static List<String> run(OciRoot root, String id, boolean force) throws OciException, IOException {
        Path dir = root.existing(id);
        try (Fd lock = OciRoot.lock(dir)) {
            ContainerStatus status = root.status(id);
            if (!status.canDelete() && !force) {
                throw new OciException(status.refusal(id, "delete"));
            }
            Optional<ContainerRecord> record = root.record(id);
            State state = root.state(id);
            if (record.isPresent() && status != ContainerStatus.STOPPED) {
                killAndWait(id, record.get());
            }
            if (record.isPresent() && record.get().cgroup() != null) {
                PodCgroup cgroup = PodCgroup.at(Path.of(record.get().cgroup()));
                if (!cgroup.remove(KILL_WAIT_MILLIS)) {
                    throw new OciException("cannot remove container " + id + "'s cgroup " + cgroup.dir()
                            + ": processes in it did not die; try again");
                }
            }
            List<String> warnings = new ArrayList<>();
            if (Files.exists(dir.resolve(OciRoot.CONFIG))) {
                Spec spec = root.config(id);
                warnings.addAll(HookRunner.runAll("poststop", spec.hooks().poststop(),
                        new State(state.ociVersion(), id, State.STOPPED, 0, state.bundle(), state.annotations())));
            }
            removeDirectory(dir);
            return warnings;
        }
    }

    private static void killAndWait(String id, ContainerRecord record) throws OciException, IOException {
        if (record.cgroup() != null && Files.exists(Path.of(record.cgroup()))) {
            PodCgroup.at(Path.of(record.cgroup())).kill();
        }
        try (Fd pidfd = Processes.pidfdOpen(record.pid())) {
            if (Processes.alive(record.pid(), record.startTime())) {
                Processes.pidfdSendSignal(pidfd.value(), Processes.SIGKILL);
                // readable once it has exited (a zombie counts: its parent reaps it)
                if (Poll.awaitReadable(java.time.Duration.ofMillis(KILL_WAIT_MILLIS), pidfd.value()) == 0) {
                    throw new OciException("container " + id + "'s process " + record.pid()
                            + " did not die from SIGKILL in 10 s: try again");
                }
            }
        } catch (ErrnoException e) {
            // ESRCH: gone already
        }
    }

    /** Removes a container directory, whatever it holds. */
    static void removeDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
