package io.jrun.runtime.kube;

import java.util.Objects;

/** One {@code env} entry: a name and its value (Kubernetes' {@code value}; absent is ""). */
public record EnvVar(String name, String value) {
    public EnvVar {
        Objects.requireNonNull(name, "name");
        value = value == null ? "" : value;
    }
}
