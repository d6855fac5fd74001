package io.jrun.runtime.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code linux}: namespaces, devices, the cgroup and its resources, sysctls, seccomp, and the
 * paths hidden or made read-only.
 *
 * @param namespaces        the namespaces to make or join; one not listed is the runtime's own
 * @param uidMappings       user namespace mappings (refused: jrun has no user namespaces yet)
 * @param gidMappings       likewise
 * @param devices           nodes made in the container's /dev
 * @param cgroupsPath       the container's cgroup: absolute from the cgroup2 root, relative to
 *                          the runtime's default parent, or null for one the runtime names
 * @param resources         limits and the device allow-list
 * @param sysctl            kernel parameters set in the container's namespaces
 * @param seccomp           the seccomp filter, or null for none
 * @param rootfsPropagation the root mount's propagation: private (default), slave, shared or
 *                          unbindable
 * @param maskedPaths       paths made unreadable
 * @param readonlyPaths     paths made read-only
 * @param mountLabel        an SELinux mount label (refused when given)
 */
public record Linux(List<Namespace> namespaces, List<IdMapping> uidMappings, List<IdMapping> gidMappings,
                    List<Device> devices, String cgroupsPath, Resources resources, Map<String, String> sysctl,
                    Seccomp seccomp, String rootfsPropagation, List<String> maskedPaths, List<String> readonlyPaths,
                    String mountLabel) {
    public Linux {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        uidMappings = uidMappings == null ? List.of() : List.copyOf(uidMappings);
        gidMappings = gidMappings == null ? List.of() : List.copyOf(gidMappings);
        devices = devices == null ? List.of() : List.copyOf(devices);
        resources = resources == null ? Resources.NONE : resources;
        sysctl = sysctl == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sysctl));
        maskedPaths = maskedPaths == null ? List.of() : List.copyOf(maskedPaths);
        readonlyPaths = readonlyPaths == null ? List.of() : List.copyOf(readonlyPaths);
        List<String> seen = new ArrayList<>();
        for (Namespace n : namespaces) {
            if (seen.contains(n.type())) {
                throw new IllegalArgumentException("linux.namespaces lists the " + n.type() + " namespace twice");
            }
            seen.add(n.type());
        }
    }

    /** The entry for a namespace type, if the configuration lists it. */
    public Optional<Namespace> namespace(String type) {
        for (Namespace n : namespaces) {
            if (n.type().equals(type)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.namespaces.addAll(namespaces);
        b.uidMappings.addAll(uidMappings);
        b.gidMappings.addAll(gidMappings);
        b.devices.addAll(devices);
        b.cgroupsPath = cgroupsPath;
        b.resources = resources;
        b.sysctl.putAll(sysctl);
        b.seccomp = seccomp;
        b.rootfsPropagation = rootfsPropagation;
        b.maskedPaths.addAll(maskedPaths);
        b.readonlyPaths.addAll(readonlyPaths);
        b.mountLabel = mountLabel;
        return b;
    }

    public static final class Builder {
        private final List<Namespace> namespaces = new ArrayList<>();
        private final List<IdMapping> uidMappings = new ArrayList<>();
        private final List<IdMapping> gidMappings = new ArrayList<>();
        private final List<Device> devices = new ArrayList<>();
        private String cgroupsPath;
        private Resources resources = Resources.NONE;
        private final Map<String, String> sysctl = new LinkedHashMap<>();
        private Seccomp seccomp;
        private String rootfsPropagation;
        private final List<String> maskedPaths = new ArrayList<>();
        private final List<String> readonlyPaths = new ArrayList<>();
        private String mountLabel;

        private Builder() {
        }

        public Builder namespace(Namespace v) {
            namespaces.removeIf(n -> n.type().equals(v.type()));
            namespaces.add(v);
            return this;
        }

        public Builder namespaces(List<Namespace> v) {
            namespaces.clear();
            namespaces.addAll(v);
            return this;
        }

        public Builder withoutNamespace(String type) {
            namespaces.removeIf(n -> n.type().equals(type));
            return this;
        }

        public Builder uidMappings(List<IdMapping> v) {
            uidMappings.clear();
            uidMappings.addAll(v);
            return this;
        }

        public Builder gidMappings(List<IdMapping> v) {
            gidMappings.clear();
            gidMappings.addAll(v);
            return this;
        }

        public Builder device(Device v) {
            devices.add(v);
            return this;
        }

        public Builder devices(List<Device> v) {
            devices.clear();
            devices.addAll(v);
            return this;
        }

        public Builder cgroupsPath(String v) {
            cgroupsPath = v;
            return this;
        }

        public Builder resources(Resources v) {
            resources = v;
            return this;
        }

        public Builder sysctl(String key, String value) {
            sysctl.put(key, value);
            return this;
        }

        public Builder sysctl(Map<String, String> v) {
            sysctl.clear();
            sysctl.putAll(v);
            return this;
        }

        public Builder seccomp(Seccomp v) {
            seccomp = v;
            return this;
        }

        public Builder rootfsPropagation(String v) {
            rootfsPropagation = v;
            return this;
        }

        public Builder maskedPaths(List<String> v) {
            maskedPaths.clear();
            maskedPaths.addAll(v);
            return this;
        }

        public Builder readonlyPaths(List<String> v) {
            readonlyPaths.clear();
            readonlyPaths.addAll(v);
            return this;
        }

        public Builder mountLabel(String v) {
            mountLabel = v;
            return this;
        }

        public Linux build() {
            return new Linux(namespaces, uidMappings, gidMappings, devices, cgroupsPath, resources, sysctl, seccomp,
                    rootfsPropagation, maskedPaths, readonlyPaths, mountLabel);
        }
    }
}
