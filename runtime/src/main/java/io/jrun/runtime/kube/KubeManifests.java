package io.jrun.runtime.kube;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a Kubernetes manifest for {@code jrun play}: the file's YAML documents
 * ({@link YamlDocuments}), the one {@code v1 Pod} among them ({@link PodReader}), checked
 * ({@link PodValidator}). Every refusal is a {@link ManifestException} of one line naming the
 * file, the line, the field and the fix. The supported subset is in docs/play.md.
 */
public final class KubeManifests {
    private KubeManifests() {
    }

    /** Reads and validates the Pod in {@code file}. */
    public static ValidatedPod read(Path file) throws ManifestException {
        byte[] yaml;
        try {
            yaml = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ManifestException(file + ": no such file: give the path of a Kubernetes Pod manifest (YAML)");
        } catch (IOException e) {
            throw new ManifestException(file + ": cannot read: " + e.getMessage());
        }
        return read(yaml, file.toString());
    }

    /** Reads and validates the Pod in {@code yaml}; {@code source} names it in messages. */
    public static ValidatedPod read(byte[] yaml, String source) throws ManifestException {
        YamlDocuments.Document pod = null;
        for (YamlDocuments.Document document : YamlDocuments.read(yaml, source)) {
            JsonNode root = document.root();
            if (root == null || root.isNull()) {
                continue; // an empty document, such as after a trailing ---
            }
            String where = source + ":" + document.line() + ": document " + document.number();
            if (!root.isObject()) {
                throw new ManifestException(where + " is not a mapping: a Kubernetes manifest starts with apiVersion and kind");
            }
            String kind = root.path("kind").isTextual() ? root.path("kind").asText() : null;
            String apiVersion = root.path("apiVersion").isTextual() ? root.path("apiVersion").asText() : null;
            if (kind == null) {
                throw new ManifestException(where + " has no kind: jrun play takes a Pod (kind: Pod, apiVersion: v1)");
            }
            if (!kind.equals("Pod")) {
                throw new ManifestException(where + " is a " + kind + ", which jrun play does not support"
                        + (kind.equals("Deployment") ? " yet" : "") + ": it takes one Pod; "
                        + (kind.equals("Deployment") ? "write the Deployment's spec.template as a Pod"
                        : "remove the " + kind + " from the file"));
            }
            if (!"v1".equals(apiVersion)) {
                throw new ManifestException(where + ": apiVersion " + (apiVersion == null ? "is missing" : "\"" + apiVersion
                        + "\" is not the Pod's") + ": write apiVersion: v1");
            }
            if (pod != null) {
                throw new ManifestException(where + " is a second Pod: jrun play runs one pod per file; put it in a"
                        + " file of its own");
            }
            pod = document;
        }
        if (pod == null) {
            throw new ManifestException(source + ": holds no Pod: jrun play takes a file with one Kubernetes Pod"
                    + " (apiVersion: v1, kind: Pod)");
        }
        try {
            return PodValidator.validate(PodReader.read(pod.root()));
        } catch (FieldException e) {
            Integer line = pod.lineOf(e.path());
            throw new ManifestException(source + (line == null ? "" : ":" + line) + ": " + e.getMessage());
        }
    }

    /** Validates a pod built in code ({@link KubePod#builder}); messages name its fields' paths. */
    public static ValidatedPod validate(KubePod pod) throws ManifestException {
        try {
            return PodValidator.validate(pod);
        } catch (FieldException e) {
            throw new ManifestException(e.getMessage());
        }
    }

}
