package io.jrun.nativetests.harness;

import io.jrun.runtime.cgroup.Cgroup2;
import io.jrun.runtime.cgroup.PodCgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pods' cgroups for the tests that call the launch engine ({@code Launcher.create}) directly, as
 * {@code Pods.run} makes them: every launch needs one, because its device policy is a program
 * on it. They go under a parent of the test class's own in the cgroup2 mount, and are removed
 * with it.
 */
public final class LaunchCgroups implements AutoCloseable {
    private final String parentPath;
    private final Path parent;
    private final List<Path> made = new ArrayList<>();

    private LaunchCgroups(String parentPath, Path parent) {
        this.parentPath = parentPath;
        this.parent = parent;
    }

    /** A new parent, {@code jrun-test-XXXXXXXX} under the cgroup2 mount. */
    public static LaunchCgroups create() throws IOException {
        Path hierarchy = Cgroup2.find().orElseThrow(() -> new AssertionError(
                "launches need a cgroup2 mount (the device policy is a program on the pod's cgroup), and"
                        + " /proc/self/mountinfo has none")).mountPoint();
        String name = "jrun-test-" + UUID.randomUUID().toString().substring(0, 8);
        return new LaunchCgroups("/" + name, Files.createDirectory(hierarchy.resolve(name)));
    }

    /**
     * A cgroup path for one launch ({@code linux.cgroupsPath}, absolute, below this class's
     * parent): the launch engine makes the cgroup there, as {@code Pods.run}'s launches do.
     */
    public synchronized String nextPath() {
        String name = "pod-" + UUID.randomUUID();
        made.add(parent.resolve(name));
        return parentPath + "/" + name;
    }

    /** Removes the cgroups made so far (killing what is left in them: a test that failed midway). */
    public synchronized void removeAll() throws IOException {
        for (Path dir : made) {
            if (Files.exists(dir)) {
                assertThat(PodCgroup.at(dir).remove(10_000)).as("cgroup " + dir + " removed").isTrue();
            }
        }
        made.clear();
    }

    @Override
    public void close() throws IOException {
        removeAll();
        Files.deleteIfExists(parent);
    }
}
