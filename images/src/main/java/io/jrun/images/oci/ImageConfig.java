package io.jrun.images.oci;

import java.util.List;
import java.util.Map;

/**
 * The parts of an image configuration jrun uses. {@code diffIds} are the digests of the
 * uncompressed layer tars, in the manifest's layer order.
 */
public record ImageConfig(Platform platform, String created, String user, List<String> env,
                          List<String> entrypoint, List<String> cmd, String workingDir,
                          String stopSignal, Map<String, String> labels, List<Digest> diffIds) {

    public ImageConfig {
        env = env == null ? List.of() : List.copyOf(env);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        diffIds = List.copyOf(diffIds);
    }
}
