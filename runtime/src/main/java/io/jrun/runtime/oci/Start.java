package io.jrun.runtime.oci;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.runtime.launch.Gate;
import io.jrun.runtime.launch.HookRunner;
import io.jrun.runtime.spec.Spec;
import io.jrun.runtime.spec.State;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code start}: opens the gate of a created container, from any process, and runs the
 * poststart hooks. Their failures come back as warnings, as the specification says.
 */
public final class Start {
    private Start() {
    }

    public static List<String> run(OciRoot root, String id) throws OciException, IOException {
        Path dir = root.existing(id);
        try (Fd lock = OciRoot.lock(dir)) {
            ContainerStatus status = root.status(id);
            if (!status.canStart()) {
                throw new OciException(status.refusal(id, "start"));
            }
            boolean released;
            try {
                released = Gate.release(dir.resolve(OciRoot.GATE).resolve(Gate.FIFO_NAME));
            } catch (ErrnoException e) {
                throw new OciException("cannot start container " + id + ": " + e.getMessage(), e);
            }
            if (!released) {
                throw new OciException("container " + id + "'s process died before it was started: delete it");
            }
            Spec spec = root.config(id);
            // the hooks see the container as start made it, running with its pid, even when a
            // short process has already exited (root.state would then say stopped, pid 0)
            State state = root.state(id);
            long pid = root.requireRecord(id).pid();
            return HookRunner.runAll("poststart", spec.hooks().poststart(), new State(state.ociVersion(), id,
                    State.RUNNING, pid, state.bundle(), state.annotations()));
        }
    }
}
