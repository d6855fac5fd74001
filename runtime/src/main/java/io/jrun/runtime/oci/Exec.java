package io.jrun.runtime.oci;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.PseudoTerminals;
import io.jrun.linux.UnixSockets;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.launch.ContainerTerminal;
import io.jrun.runtime.launch.Enter;
import io.jrun.runtime.launch.EnterSpec;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.launch.RunningContainer;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.seccomp.SeccompCache;
import io.jrun.runtime.spec.Process;
import io.jrun.runtime.spec.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code exec}: another process in a running container, as its process.json says (args, env,
 * cwd, user, capabilities, no_new_privs, terminal), under the container's seccomp filter and in
 * its cgroup before its first instruction (see {@link Enter}).
 */
public final class Exec {
    private Exec() {
    }

    /**
     * @param process       the process to start
     * @param pidFile       where its pid is written, or null
     * @param consoleSocket with process.terminal: where its terminal's master is sent
     * @param stdio         its stdin, stdout and stderr without a terminal
     */
    public record Options(Process process, Path pidFile, Path consoleSocket, Stdio stdio) {
    }

    public static RunningContainer run(OciRoot root, String id, Options options)
            throws OciException, LaunchException, IOException {
        ContainerStatus status = root.status(id);
        if (!status.canExec()) {
            throw new OciException("container " + id + " is " + status.specName() + ": only a running container takes exec");
        }
        Process p = options.process();
        if (p.args().isEmpty()) {
            throw new OciException("the process to exec has no args: give a command");
        }
        if (p.terminal() && options.consoleSocket() == null) {
            throw new OciException("the process has a terminal: give --console-socket, where the terminal is sent");
        }
        ContainerRecord record = root.requireRecord(id);
        Spec config = root.config(id);
        EnterSpec enter = new EnterSpec(id, record.pid(), record.startTime(), p.args(), p.env(), p.cwd(), null,
                p.terminal(), p.consoleSize(), config.linux().seccomp(), options.stdio(), root.existing(id),
                record.cgroup() == null ? null : PodCgroup.at(Path.of(record.cgroup())), p.user(), p.capabilities(),
                p.noNewPrivileges());
        RunningContainer process = Enter.start(enter, new SeccompCache(root.path().resolve(".cache/seccomp")));
        try {
            if (p.terminal()) {
                ContainerTerminal terminal = process.terminal().orElseThrow();
                try (terminal; Fd connection = UnixSockets.connect(options.consoleSocket().toString())) {
                    String name = "/dev/pts/" + PseudoTerminals.number(terminal.fd());
                    UnixSockets.sendFd(connection.value(), name.getBytes(StandardCharsets.UTF_8), terminal.fd());
                }
            }
            if (options.pidFile() != null) {
                OciRoot.writeAtomically(options.pidFile().toAbsolutePath(),
                        Long.toString(process.pid()).getBytes(StandardCharsets.US_ASCII));
            }
        } catch (ErrnoException e) {
            process.signal(io.jrun.linux.Processes.SIGKILL);
            process.waitForExit();
            throw new OciException("cannot send the terminal to the console socket " + options.consoleSocket() + ": "
                    + e.getMessage(), e);
        }
        return process;
    }
}
