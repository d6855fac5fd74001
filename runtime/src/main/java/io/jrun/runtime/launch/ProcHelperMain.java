package io.jrun.runtime.launch;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.Mounts;

import java.io.IOException;

/**
 * The /proc helper process ({@link ProcHelper}), started by jrun in a container's pid
 * namespace: opens a proc fs context, which thereby belongs to that namespace, reports its
 * descriptor number on stdout and keeps it open until stdin ends. jrun takes the descriptor
 * with pidfd_getfd and kills the helper; the helper itself does nothing else. Not for users.
 */
public final class ProcHelperMain {
    /** The report line's start; the descriptor number follows. */
    static final String REPORT = "jrun-proc-helper fscontext ";

    private ProcHelperMain() {
    }

    public static void main(String[] args) throws IOException {
        Fd context;
        try {
            context = Mounts.fsopen("proc", Mounts.FSOPEN_CLOEXEC);
        } catch (ErrnoException e) {
            System.out.println("jrun /proc helper: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(REPORT + context.value());
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold the context until jrun has taken it; it closes our stdin or kills us
        }
    }
}
