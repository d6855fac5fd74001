package io.jrun.nativetests.vm;

import io.jrun.runtime.launch.MountInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The mounts of the calling process, from /proc/self/mountinfo (proc(5)). */
record Mounts(List<Mount> all) {

    /** One line: where, what type, with which per-mount and super-block options. */
    record Mount(String mountPoint, String fsType, String source, List<String> options, List<String> superOptions) {

        boolean readOnly() {
            return options.contains("ro");
        }
    }

    static Mounts ofSelf() throws IOException {
        return new Mounts(Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(Mounts::parse).toList());
    }

    /** The mount at exactly {@code mountPoint} (the topmost, if stacked). */
    Optional<Mount> at(String mountPoint) {
        return all.reversed().stream().filter(m -> m.mountPoint().equals(mountPoint)).findFirst();
    }

    /** The mount that holds {@code path}: the longest mount point that is a prefix of it. */
    Mount holding(Path path) {
        return all.reversed().stream()
                .filter(m -> path.startsWith(Path.of(m.mountPoint())))
                .max(Comparator.comparingInt(m -> Path.of(m.mountPoint()).getNameCount()))
                .orElseThrow(() -> new AssertionError("no mount holds " + path));
    }

    // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
    private static Mount parse(String line) {
        String[] halves = line.split(" - ", 2);
        String[] left = halves[0].split(" ");
        String[] right = halves[1].split(" ");
        return new Mount(MountInfo.unescape(left[4]), right[0], MountInfo.unescape(right[1]),
                Arrays.asList(left[5].split(",")), Arrays.asList(right[2].split(",")));
    }
}
