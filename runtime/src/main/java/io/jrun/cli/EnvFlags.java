package io.jrun.cli;

import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code -e} and {@code --env-file}, shared by run and enter. */
final class EnvFlags {
    private List<String> env = new ArrayList<>();
    private List<String> envFiles = new ArrayList<>();

    void addTo(CommandSpec spec) {
        spec.addOption(Specs.repeatable("KEY[=VALUE]", v -> env = v, () -> env, "-e", "--env")
                .description("Set an environment variable (repeatable); KEY alone takes jrun's own value.").build());
        spec.addOption(Specs.repeatable("FILE", v -> envFiles = v, () -> envFiles, "--env-file")
                .description("Read KEY=VALUE lines from FILE (repeatable; # comments).").build());
    }

    /** The entries in docker's order: every --env-file, then every -e; a later key wins. */
    List<String> entries() throws IOException {
        List<String> environment = new ArrayList<>();
        for (String file : envFiles) {
            try {
                environment.addAll(EnvFiles.read(Path.of(file), System.getenv()));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("--env-file " + file + ": no such file: give an existing file of KEY=VALUE lines");
            } catch (IOException e) {
                throw new IOException("--env-file " + file + ": " + ErrorHandler.describe(e), e);
            }
        }
        for (String e : env) {
            EnvFiles.entry(e, System.getenv()).ifPresent(environment::add);
        }
        return environment;
    }
}
