package io.jrun.nativetests.harness;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Handshakes with an app through a file it writes into a host directory bound into the container. */
public final class ContainerFiles {
    private ContainerFiles() {
    }

    /** Waits (bounded) until the container has written {@code file}; fails if jrun ended first. */
    public static void awaitFile(Path file, Process jrunProcess) throws Exception {
        for (int i = 0; i < 6000 && !Files.exists(file); i++) {
            if (!jrunProcess.isAlive()) {
                throw new AssertionError("jrun ended with " + jrunProcess.exitValue() + " before the container was ready");
            }
            Thread.sleep(10);
        }
        assertThat(file).as("written by the container").exists();
    }
}
