package io.jrun.oci;

import io.jrun.cli.Specs;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ps}: the processes of a container (its cgroup's), as a table or a JSON array of pids. */
final class PsCommand implements Callable<Integer> {
    private final OciCommand root;
    final CommandSpec spec;
    String id;
    String format = "table";

    PsCommand(OciCommand root) {
        this.root = root;
        spec = Specs.command(this, "ps", "List the processes of a container.");
        spec.addOption(Specs.option(String.class, "FORMAT", v -> format = v, () -> format, "-f", "--format")
                .description("table (default) or json (the pids).").build());
        spec.addPositional(Specs.positional("0", "ID", v -> id = v, () -> id).description("The container's ID.").build());
    }

    @Override
    public Integer call() throws Exception {
        List<Long> pids = root.openRoot().pids(id);
        switch (format) {
            case "json" -> System.out.println(pids.toString().replace(" ", ""));
            case "table" -> {
                System.out.println("PID\tCMD");
                for (long pid : pids) {
                    System.out.println(pid + "\t" + command(pid));
                }
            }
            default -> throw new IllegalArgumentException("unknown --format " + format + ": use table or json");
        }
        return 0;
    }

    private static String command(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }
}
