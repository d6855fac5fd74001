package io.jrun.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code -e} and {@code --env-file}, shared by run and enter. */
final class EnvFlags {
    @Option(names = {"-e", "--env"}, paramLabel = "KEY[=VALUE]",
            description = "Set an environment variable (repeatable); KEY alone takes jrun's own value.")
    List<String> env = new ArrayList<>();

    @Option(names = "--env-file", paramLabel = "FILE", description = "Read KEY=VALUE lines from FILE (repeatable; # comments).")
    List<Path> envFiles = new ArrayList<>();

    /** The entries in docker's order: every --env-file, then every -e; a later key wins. */
    List<String> entries() throws IOException {
        List<String> environment = new ArrayList<>();
        for (Path file : envFiles) {
            environment.addAll(EnvFiles.read(file, System.getenv()));
        }
        for (String e : env) {
            EnvFiles.entry(e, System.getenv()).ifPresent(environment::add);
        }
        return environment;
    }
}
