package io.jrun.oci;

import io.jrun.cli.Specs;
import io.jrun.runtime.launch.RunningContainer;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.oci.Exec;
import io.jrun.runtime.oci.OciRoot;
import io.jrun.runtime.spec.CapabilityNames;
import io.jrun.runtime.spec.CapabilitySets;
import io.jrun.runtime.spec.Process;
import io.jrun.runtime.spec.SpecJson;
import io.jrun.runtime.spec.User;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code exec}: another process in a running container. Its definition is --process's
 * process.json, or else the container's own process with the command and options given (runc's
 * rule). Without --detach jrun-oci waits and exits with the process's code.
 */
final class ExecCommand implements Callable<Integer> {
    private final OciCommand root;
    final CommandSpec spec;
    String id;
    List<String> command = new ArrayList<>();
    Path processFile;
    boolean tty;
    Path consoleSocket;
    boolean detach;
    Path pidFile;
    String cwd;
    List<String> env = new ArrayList<>();
    String user;
    List<String> caps = new ArrayList<>();
    boolean noNewPrivs;

    ExecCommand(OciCommand root) {
        this.root = root;
        spec = Specs.command(this, "exec", "Run a process in a running container.");
        spec.addOption(Specs.option(Path.class, "FILE", v -> processFile = v, () -> processFile, "-p", "--process")
                .description("The process, as a process.json (the configuration's process object).").build());
        spec.addOption(Specs.flag(v -> tty = v, () -> tty, "-t", "--tty").description("Give the process a terminal.").build());
        spec.addOption(Specs.option(Path.class, "SOCKET", v -> consoleSocket = v, () -> consoleSocket, "--console-socket")
                .description("With a terminal: the Unix socket its master is sent to.").build());
        spec.addOption(Specs.flag(v -> detach = v, () -> detach, "-d", "--detach")
                .description("Do not wait for the process.").build());
        spec.addOption(Specs.option(Path.class, "FILE", v -> pidFile = v, () -> pidFile, "--pid-file")
                .description("Write the process's pid to FILE.").build());
        spec.addOption(Specs.option(String.class, "DIR", v -> cwd = v, () -> cwd, "--cwd")
                .description("The working directory.").build());
        spec.addOption(Specs.repeatable("K=V", v -> env = v, () -> env, "-e", "--env")
                .description("Set an environment variable.").build());
        spec.addOption(Specs.option(String.class, "UID[:GID]", v -> user = v, () -> user, "-u", "--user")
                .description("Run as these numbers.").build());
        spec.addOption(Specs.repeatable("CAP", v -> caps = v, () -> caps, "-c", "--cap")
                .description("Add a capability.").build());
        spec.addOption(Specs.flag(v -> noNewPrivs = v, () -> noNewPrivs, "--no-new-privs")
                .description("Set no_new_privs.").build());
        spec.addPositional(Specs.positional("0", "ID", v -> id = v, () -> id).description("The container's ID.").build());
        spec.addPositional(Specs.positionals("1..*", false, "COMMAND", v -> command = v, () -> command)
                .description("The command and its arguments (without --process).").build());
    }

    @Override
    public Integer call() throws Exception {
        OciRoot oci = root.openRoot();
        Process process = process(oci);
        RunningContainer started = Exec.run(oci, id, new Exec.Options(process, pidFile, consoleSocket, Stdio.inherit()));
        if (detach) {
            return 0;
        }
        return started.waitForExit();
    }

    private Process process(OciRoot oci) throws Exception {
        if (processFile != null) {
            if (!command.isEmpty()) {
                throw new IllegalArgumentException("give either --process or a command, not both");
            }
            return SpecJson.readProcess(Files.readAllBytes(processFile));
        }
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command: give one after the ID, or --process");
        }
        Process.Builder p = oci.containerProcess(id).toBuilder().args(command).terminal(tty).consoleSize(null);
        if (cwd != null) {
            p.cwd(cwd);
        }
        for (String e : env) {
            p.addEnv(e);
        }
        if (user != null) {
            String[] ids = user.split(":", 2);
            long uid = Long.parseLong(ids[0]);
            p.user(new User(uid, ids.length > 1 ? Long.parseLong(ids[1]) : 0, null, List.of()));
        }
        if (!caps.isEmpty()) {
            CapabilitySets sets = oci.containerProcess(id).capabilities();
            List<String> added = new ArrayList<>();
            for (String c : caps) {
                added.add(CapabilityNames.canonical(c, "--cap"));
            }
            p.capabilities(new CapabilitySets(union(sets.bounding(), added), union(sets.effective(), added),
                    union(sets.inheritable(), added), union(sets.permitted(), added), union(sets.ambient(), added)));
        }
        if (noNewPrivs) {
            p.noNewPrivileges(true);
        }
        return p.build();
    }

    private static List<String> union(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        for (String x : b) {
            if (!all.contains(x)) {
                all.add(x);
            }
        }
        return all;
    }
}
