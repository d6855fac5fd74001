package io.jrun.oci;

import io.jrun.cli.Specs;
import io.jrun.runtime.oci.OciRoot;
import io.jrun.runtime.spec.SpecJson;
import io.jrun.runtime.spec.State;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code list}: the containers of --root. */
final class ListCommand implements Callable<Integer> {
    private final OciCommand root;
    final CommandSpec spec;
    String format = "table";
    boolean quiet;

    ListCommand(OciCommand root) {
        this.root = root;
        spec = Specs.command(this, "list", "List the containers of the state directory.");
        spec.addOption(Specs.option(String.class, "FORMAT", v -> format = v, () -> format, "-f", "--format")
                .description("table (default) or json.").build());
        spec.addOption(Specs.flag(v -> quiet = v, () -> quiet, "-q", "--quiet").description("IDs only.").build());
    }

    @Override
    public Integer call() throws Exception {
        OciRoot oci = root.openRoot();
        if (format.equals("json")) {
            StringBuilder b = new StringBuilder("[");
            for (String id : oci.ids()) {
                b.append(b.length() > 1 ? "," : "").append(new String(SpecJson.write(oci.state(id))));
            }
            System.out.println(b.append("]"));
            return 0;
        }
        if (!format.equals("table")) {
            throw new IllegalArgumentException("unknown --format " + format + ": use table or json");
        }
        if (!quiet) {
            System.out.println("ID\tPID\tSTATUS\tBUNDLE");
        }
        for (String id : oci.ids()) {
            if (quiet) {
                System.out.println(id);
            } else {
                State s = oci.state(id);
                System.out.println(id + "\t" + s.pid() + "\t" + s.status() + "\t" + s.bundle());
            }
        }
        return 0;
    }
}
