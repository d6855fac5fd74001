package io.jrun.runtime.kube;

/** A pod volume of one of the two kinds jrun play supports. */
public sealed interface KubeVolume {
    String name();

    /** Kubernetes' hostPath types; UNSET (the "" type) checks nothing. */
    enum HostPathType {
        UNSET(""), DIRECTORY_OR_CREATE("DirectoryOrCreate"), DIRECTORY("Directory"), FILE_OR_CREATE("FileOrCreate"),
        FILE("File"), SOCKET("Socket"), CHAR_DEVICE("CharDevice"), BLOCK_DEVICE("BlockDevice");

        private final String kubeName;

        HostPathType(String kubeName) {
            this.kubeName = kubeName;
        }

        public String kubeName() {
            return kubeName;
        }
    }

    /** A directory or file of the host, bind-mounted ({@code hostPath}). */
    record HostPath(String name, String path, HostPathType type) implements KubeVolume {
        public HostPath {
            type = type == null ? HostPathType.UNSET : type;
        }
    }

    /**
     * A directory made empty for the pod and removed with it ({@code emptyDir}), shared by the
     * apps that mount it.
     *
     * @param inMemory  medium "Memory": a tmpfs; otherwise a directory under the pod's directory
     * @param sizeLimit the most it may hold, or null
     */
    record EmptyDir(String name, boolean inMemory, Quantity sizeLimit) implements KubeVolume {
    }
}
