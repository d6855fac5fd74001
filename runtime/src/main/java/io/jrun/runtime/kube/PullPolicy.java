package io.jrun.runtime.kube;

/**
 * {@code imagePullPolicy}, as jrun run's {@code --pull}: Always is {@code always}, IfNotPresent
 * is {@code missing}, Never is {@code never}. A container that names none gets jrun's default
 * ({@code missing}), as podman kube play does, not Kubernetes' "Always for :latest".
 */
public enum PullPolicy {
    ALWAYS("Always", "always"), IF_NOT_PRESENT("IfNotPresent", "missing"), NEVER("Never", "never");

    private final String kubeName;
    private final String jrunPull;

    PullPolicy(String kubeName, String jrunPull) {
        this.kubeName = kubeName;
        this.jrunPull = jrunPull;
    }

    public String kubeName() {
        return kubeName;
    }

    /** The value of jrun run's --pull that does the same. */
    public String jrunPull() {
        return jrunPull;
    }
}
