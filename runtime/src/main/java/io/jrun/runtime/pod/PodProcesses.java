package io.jrun.runtime.pod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The processes in a pod's cgroup (and the cgroups below it), read from cgroup.procs and
 * /proc: what {@code jrun top} shows. A process that ends while it is read is left out.
 *
 * @param pid     its pid in the pod's pid namespace (the last NSpid field)
 * @param hostPid its pid on the host
 * @param ppid    its parent's pid on the host
 * @param cpu     user plus system time
 * @param command its argv joined by spaces, or [name] when it has none (a zombie)
 */
public record PodProcesses(long pid, long hostPid, long ppid, int uid, char state, Duration cpu, String command) {
    /** USER_HZ: the unit of /proc/PID/stat's times, 100 on every Linux ABI. */
    private static final long TICKS_PER_SECOND = 100;

    /** The processes in {@code cgroup}, ordered by pid in the pod. */
    public static List<PodProcesses> in(Path cgroup) throws IOException {
        List<PodProcesses> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(cgroup)) {
            for (Path procs : files.filter(f -> f.getFileName().toString().equals("cgroup.procs")).toList()) {
                List<String> pids;
                try {
                    pids = Files.readAllLines(procs);
                } catch (NoSuchFileException e) {
                    continue; // a cgroup removed meanwhile
                }
                for (String pid : pids) {
                    if (!pid.isBlank()) {
                        read(Long.parseLong(pid.strip())).ifPresent(all::add);
                    }
                }
            }
        }
        all.sort(java.util.Comparator.comparingLong(PodProcesses::pid));
        return all;
    }

    private static java.util.Optional<PodProcesses> read(long hostPid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(hostPid));
        try {
            String name = "";
            long nsPid = hostPid;
            long ppid = 0;
            int uid = -1;
            char state = '?';
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                String value = line.substring(line.indexOf(':') + 1).strip();
                if (line.startsWith("Name:")) {
                    name = value;
                } else if (line.startsWith("State:")) {
                    state = value.charAt(0);
                } else if (line.startsWith("PPid:")) {
                    ppid = Long.parseLong(value);
                } else if (line.startsWith("Uid:")) {
                    uid = Integer.parseInt(value.split("\\s+")[0]);
                } else if (line.startsWith("NSpid:")) {
                    String[] ids = value.split("\\s+");
                    nsPid = Long.parseLong(ids[ids.length - 1]);
                }
            }
            String stat = Files.readString(proc.resolve("stat"));
            // fields after the command's ")" (which may itself hold spaces and parentheses): state is the 3rd field
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime: fields 14 and 15
            byte[] cmdline = Files.readAllBytes(proc.resolve("cmdline"));
            String command = cmdline.length == 0 ? "[" + name + "]"
                    : new String(cmdline, StandardCharsets.UTF_8).replaceAll("\0+$", "").replace('\0', ' ');
            return java.util.Optional.of(new PodProcesses(nsPid, hostPid, ppid, uid, state,
                    Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND), command));
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty(); // it ended meanwhile
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No such process")) {
                return java.util.Optional.empty(); // ESRCH: it ended while being read
            }
            throw e;
        }
    }
}
