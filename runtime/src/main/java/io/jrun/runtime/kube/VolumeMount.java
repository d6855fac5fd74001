package io.jrun.runtime.kube;

/**
 * One {@code volumeMounts} entry.
 *
 * @param name      the pod volume mounted
 * @param mountPath where, an absolute path in the container
 * @param readOnly  mounted read-only
 * @param subPath   a relative path inside the volume to mount instead of its root, or null
 */
public record VolumeMount(String name, String mountPath, boolean readOnly, String subPath) {
}
