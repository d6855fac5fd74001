package io.jrun.runtime.oci;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.Processes;
import io.jrun.linux.PseudoTerminals;
import io.jrun.linux.UnixSockets;
import io.jrun.runtime.launch.ContainerTerminal;
import io.jrun.runtime.launch.CreatedContainer;
import io.jrun.runtime.launch.KernelCompat;
import io.jrun.runtime.launch.LaunchContext;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.launch.LaunchListener;
import io.jrun.runtime.launch.Launcher;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.seccomp.SeccompCache;
import io.jrun.runtime.spec.Spec;
import io.jrun.runtime.spec.SpecFormatException;
import io.jrun.runtime.spec.SpecJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code create}: the container from a bundle's config.json, its process waiting in its gate.
 * The caller may then leave at once: the process waits on without it (see
 * {@link CreatedContainer}), reparented to the nearest subreaper (conmon, for podman).
 */
public final class Create {
    private Create() {
    }

    /**
     * @param bundle        the bundle directory (config.json, and the root file system it names)
     * @param pidFile       where the container process's pid is written, or null
     * @param consoleSocket with process.terminal: the Unix socket the terminal's master is sent to
     * @param preserveFds   how many descriptors from 3 on the container process gets
     * @param stdio         the process's stdin, stdout and stderr (jrun-oci's own: conmon's pipes)
     * @param noCgroups     no cgroup at all, linux.resources ignored (--cgroup-manager disabled)
     */
    public record Options(Path bundle, Path pidFile, Path consoleSocket, int preserveFds, Stdio stdio, boolean noCgroups) {
    }

    public static CreatedContainer run(OciRoot root, String id, Options options)
            throws OciException, LaunchException, IOException {
        Path dir = root.dir(id);
        Path bundle = options.bundle().toAbsolutePath().normalize();
        byte[] json;
        try {
            json = Files.readAllBytes(bundle.resolve("config.json"));
        } catch (NoSuchFileException e) {
            throw new OciException("no config.json in the bundle " + bundle + ": give --bundle the bundle's directory");
        }
        Spec spec;
        try {
            spec = SpecJson.read(json);
        } catch (SpecFormatException e) {
            throw new OciException("invalid " + bundle.resolve("config.json") + ": " + e.getMessage());
        }
        boolean terminal = spec.process() != null && spec.process().terminal();
        if (terminal && options.consoleSocket() == null) {
            throw new OciException("process.terminal is true: give --console-socket, where the terminal is sent");
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new OciException("container " + id + " exists already: choose another ID, or delete it first");
        }
        // No lock is held across the launch: the gated child keeps a copy of every descriptor
        // this JVM has open until it passes its gate, and with it any flock (start would wait
        // for ever). The directory's creation is what makes the ID this create's.
        try {
            Files.write(dir.resolve(OciRoot.CONFIG), json);
            CreatedContainer created = Launcher.create(spec, context(root, id, dir, bundle, options));
            try {
                if (terminal) {
                    sendTerminal(created, options.consoleSocket());
                }
                if (options.pidFile() != null) {
                    OciRoot.writeAtomically(options.pidFile().toAbsolutePath(),
                            Long.toString(created.pid()).getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException | OciException | RuntimeException e) {
                created.destroy();
                throw e;
            }
            return created;
        } catch (LaunchException | IOException | OciException | RuntimeException e) {
            Delete.removeDirectory(dir);
            throw e;
        }
    }

    private static LaunchContext context(OciRoot root, String id, Path dir, Path bundle, Options options) {
        String[] cgroup = {null};
        return LaunchContext.builder()
                .id(id)
                .bundle(bundle)
                .gateDir(dir.resolve(OciRoot.GATE))
                .stdio(options.stdio())
                .compat(KernelCompat.fromEnvironment(System.getenv()))
                .preserveFds(options.preserveFds())
                .noCgroups(options.noCgroups())
                .seccompCache(new SeccompCache(root.path().resolve(".cache/seccomp")))
                .listener(new LaunchListener() {
                    @Override
                    public void cgroupMade(Path cgroupDir) {
                        cgroup[0] = cgroupDir.toString();
                    }

                    @Override
                    public void gated(long pid) throws IOException {
                        // before the process can run: delete finds it whatever happens to this JVM
                        long startTime = Processes.startTime(pid).orElseThrow(
                                () -> new IOException("the container process " + pid + " is gone"));
                        OciRoot.writeAtomically(dir.resolve(OciRoot.RECORD), new ContainerRecord(id, bundle.toString(), pid,
                                startTime, Instant.now().toString(), cgroup[0]).toJson());
                    }
                })
                .build();
    }

    /** runc's protocol: the master over the socket, with the slave's path as the data. */
    private static void sendTerminal(CreatedContainer created, Path socket) throws IOException, OciException {
        Optional<ContainerTerminal> terminal = created.takeTerminal();
        if (terminal.isEmpty()) {
            throw new IllegalStateException("a container with process.terminal has no terminal");
        }
        try (ContainerTerminal master = terminal.get(); Fd connection = UnixSockets.connect(socket.toString())) {
            String name = "/dev/pts/" + PseudoTerminals.number(master.fd());
            UnixSockets.sendFd(connection.value(), name.getBytes(StandardCharsets.UTF_8), master.fd());
        } catch (ErrnoException e) {
            throw new OciException("cannot send the terminal to the console socket " + socket + ": " + e.getMessage()
                    + ": check --console-socket", e);
        }
    }
}
