package io.jrun.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup v2 hierarchy as this process sees it: where it is mounted (/sys/fs/cgroup on a
 * unified host, /sys/fs/cgroup/unified on a hybrid one) and which cgroup this process is in.
 * Only the cgroup2 mount is ever used: v1 hierarchies beside it are never touched.
 */
public record Cgroup2(Path mountPoint) {

    /** The first cgroup2 mount in /proc/self/mountinfo, if any. */
    public static Optional<Cgroup2> find() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] halves = line.split(" - ", 2);
            if (halves.length == 2 && halves[1].startsWith("cgroup2 ")) {
                String[] left = halves[0].split(" ");
                if (left[3].equals("/")) { // the hierarchy's root, not a bind of a subtree
                    return Optional.of(new Cgroup2(Path.of(io.jrun.runtime.launch.MountInfo.unescape(left[4]))));
                }
            }
        }
        return Optional.empty();
    }

    /** This process's cgroup (the "0::" line of /proc/self/cgroup) as a directory. */
    public Path ownCgroup() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            if (line.startsWith("0::")) {
                return dirOf(line.substring(3));
            }
        }
        throw new IOException("this process is in no cgroup v2 (no 0:: line in /proc/self/cgroup)");
    }

    /** The directory of a cgroup given by its path in the hierarchy ("/system.slice/x.service"). */
    public Path dirOf(String cgroupPath) {
        Path dir = mountPoint;
        for (String part : cgroupPath.split("/")) {
            if (!part.isEmpty()) {
                dir = dir.resolve(part);
            }
        }
        return dir.normalize();
    }

    /** The controllers the kernel offers in this hierarchy (the root's cgroup.controllers). */
    public Set<String> controllers() throws IOException {
        return CgroupFiles.words(mountPoint.resolve("cgroup.controllers"));
    }
}
