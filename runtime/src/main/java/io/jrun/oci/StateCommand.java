package io.jrun.oci;

import io.jrun.cli.Specs;
import io.jrun.runtime.spec.SpecJson;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code state}: the runtime-spec state as JSON. */
final class StateCommand implements Callable<Integer> {
    private final OciCommand root;
    final CommandSpec spec;
    String id;

    StateCommand(OciCommand root) {
        this.root = root;
        spec = Specs.command(this, "state", "Print a container's state as the runtime specification's JSON.");
        spec.addPositional(Specs.positional("0", "ID", v -> id = v, () -> id).description("The container's ID.").build());
    }

    @Override
    public Integer call() throws Exception {
        System.out.write(SpecJson.write(root.openRoot().state(id)));
        System.out.println();
        return 0;
    }
}
