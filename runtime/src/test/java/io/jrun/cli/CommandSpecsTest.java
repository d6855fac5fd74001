package io.jrun.cli;

import io.jrun.runtime.prepare.Network;
import io.jrun.runtime.prepare.RunRequest;
import io.jrun.runtime.cgroup.CgroupLimits;
import io.jrun.runtime.seccomp.SeccompOption;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The commands are built in code (Specs): each option must land in its own field. */
class CommandSpecsTest {

    private static RunCommand parseRun(String... args) {
        CommandLine cli = Main.commandLine(args);
        cli.parseArgs(args);
        return (RunCommand) cli.getSubcommands().get("run").getCommandSpec().userObject();
    }

    @Test
    void everyRunOptionReachesTheRequest() throws Exception {
        RunRequest r = parseRun("--dir", "/tmp/state", "run", "-e", "A=1", "--env", "B=2", "-w", "/work", "-u", "1:2",
                "--entrypoint", "/bin/sh", "--rm", "--name", "web", "--hostname", "box", "-v", "/tmp:/host:ro",
                "--tmpfs", "/scratch", "--read-only", "--net=host", "-i", "--security-opt", "no-new-privileges=false",
                "--cap-add", "net_admin,SYS_TIME", "--cap-drop", "CHOWN", "--uuid-file-save", "/tmp/uuid", "-m", "64m",
                "--memory-swap", "128m", "--cpus", "1.5", "--cpu-weight", "50", "--pids-limit", "10", "--io-weight", "20",
                "--cpuset-cpus", "0-1", "--cgroup-parent", "/x.slice", "--pull", "never",
                "busybox", "ls", "-l").request();
        assertThat(r.image()).isEqualTo("busybox");
        assertThat(r.command()).containsExactly("ls", "-l");
        assertThat(r.env()).containsExactly("A=1", "B=2");
        assertThat(r.workingDir()).isEqualTo("/work");
        assertThat(r.user()).isEqualTo("1:2");
        assertThat(r.entrypoint()).isEqualTo("/bin/sh");
        assertThat(r.removeOnExit()).isTrue();
        assertThat(r.name()).isEqualTo("web");
        assertThat(r.hostname()).isEqualTo("box");
        assertThat(r.volumeArgs()).containsExactly("-v /tmp:/host:ro", "--tmpfs /scratch");
        assertThat(r.readOnly()).isTrue();
        assertThat(r.network()).isEqualTo(Network.HOST);
        assertThat(r.interactive()).isTrue();
        assertThat(r.terminal()).isFalse();
        assertThat(r.security().noNewPrivileges()).isFalse();
        assertThat(r.security().capAdd()).containsExactly("CAP_NET_ADMIN", "CAP_SYS_TIME");
        assertThat(r.security().capDrop()).containsExactly("CAP_CHOWN");
        assertThat(r.security().privileged()).isFalse();
        assertThat(r.limits()).isEqualTo(new CgroupLimits(64L << 20, 128L << 20, 1.5, 50, 10L, 20, "0-1"));
        assertThat(r.cgroupParent()).isEqualTo("/x.slice");
    }

    @Test
    void runDefaultsAreDockers() throws Exception {
        RunRequest r = parseRun("run", "busybox").request();
        assertThat(r.command()).isEmpty();
        assertThat(r.env()).isEmpty();
        assertThat(r.network()).isEqualTo(Network.NONE);
        assertThat(r.seccomp()).isEqualTo(SeccompOption.DEFAULT);
        assertThat(r.limits()).isEqualTo(CgroupLimits.NONE);
        assertThat(r.removeOnExit()).isFalse();
        assertThat(r.security().capAdd()).isEmpty();
    }

    @Test
    void optionsAfterTheImageAreTheApps() throws Exception {
        RunRequest r = parseRun("run", "--rm", "busybox", "--rm", "-e", "X").request();
        assertThat(r.command()).containsExactly("--rm", "-e", "X");
        assertThat(r.env()).isEmpty();
    }

    @Test
    void theStateDirIsTakenBeforeOrAfterTheCommand() {
        for (String[] args : new String[][] {{"--dir", "/a", "list"}, {"list", "--dir", "/a"}}) {
            CommandLine cli = Main.commandLine(args);
            cli.parseArgs(args);
            assertThat(((JrunCommand) cli.getCommandSpec().userObject()).dir).isEqualTo(Path.of("/a"));
        }
    }

    @Test
    void badValuesAreRefusedByTheParser() {
        assertThatThrownBy(() -> parseRun("run", "--cpus", "many", "busybox"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("'many' is not a double");
        assertThatThrownBy(() -> parseRun("run"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessage("Missing required parameter: 'IMAGE'");
        String[] stop = {"stop"};
        assertThatThrownBy(() -> Main.commandLine(stop).parseArgs(stop))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessage("Missing required parameter: 'POD'");
    }

    @Test
    void everyCommandHasHelpNamingItsOptions() {
        CommandLine cli = Main.commandLine("--help");
        assertThat(cli.getSubcommands().keySet())
                .containsExactlyInAnyOrder("fetch", "pull", "image", "run", "enter", "exec", "list", "ps", "status", "stop", "rm",
                        "gc", "logs", "inspect", "kill", "wait", "top", "stats", "images", "rmi", "play", "cleanup");
        assertThat(cli.getUsageMessage()).as("conmon's exit command is internal").contains("logs").doesNotContain("cleanup");
        assertThat(cli.getSubcommands().get("run").getUsageMessage().replaceAll("\\s+", " ")) // wherever the synopsis wraps
                .contains("--memory=BYTES", "--cap-add=CAP", "--sd-notify=jrun|container|conmon|ignore", "IMAGE [COMMAND...]",
                        "--device=HOST[:CONTAINER][:PERMS]", "--log-driver=k8s-file|journald")
                .doesNotContain("--detached-child");
        assertThat(cli.getSubcommands().get("image").getSubcommands().keySet()).contains("list", "ls", "inspect", "rm", "gc");
        assertThat(cli.getSubcommands().get("list").getUsageMessage().replaceAll("\\s+", " "))
                .contains("Output format: table, json, or a template of the JSON's fields such as '{{.Name}} {{.State}}' (default: table).");
    }

    @Test
    void listFormatIsCaseInsensitive() {
        assertThat(Formats.parse("JSON").kind()).isEqualTo(Formats.Kind.json);
        assertThat(Formats.parse("Table").kind()).isEqualTo(Formats.Kind.table);
    }

    @Test
    void podmansNamesAreAliasesShownInHelp() {
        String help = Main.commandLine("--help").getUsageMessage();
        assertThat(help).contains("fetch, pull", "enter, exec", "list, ps", "images", "rmi", "inspect");
        for (String[] alias : new String[][] {{"ps", "list"}, {"exec", "enter"}, {"pull", "fetch"}}) {
            CommandLine cli = Main.commandLine(alias[0], "--help");
            assertThat(cli.getSubcommands()).as("only the invoked command is built").hasSize(2);
            assertThat(cli.getSubcommands().get(alias[0]).getCommandName()).isEqualTo(alias[1]);
        }
        String[] exec = {"exec", "web", "ls", "-l"};
        CommandLine cli = Main.commandLine(exec);
        cli.parseArgs(exec);
        assertThat(cli.getSubcommands().get("exec").getCommandSpec().positionalParameters().get(1).<java.util.List<String>>getValue())
                .containsExactly("ls", "-l");
    }
}
