package io.jrun.runtime.launch;

/**
 * Loads the classes the setup thread and the gate keeper use after their root has become the
 * container's (pivot_root, setns): from then on they cannot load classes from jrun's class
 * path. JDK classes come from the already open runtime image and are not a problem.
 */
final class Preload {
    private Preload() {
    }

    private static final String[] CLASSES = {
            "io.jrun.linux.Syscall", "io.jrun.linux.Syscall$Scratch", "io.jrun.linux.Syscall$Handle",
            "io.jrun.linux.Spawn", "io.jrun.linux.Spawn$Native", "io.jrun.linux.Spawn$FileActions",
            "io.jrun.linux.ErrnoException", "io.jrun.linux.Errno", "io.jrun.linux.Fd",
            "io.jrun.linux.Capabilities", "io.jrun.linux.Capabilities$Sets", "io.jrun.linux.Processes",
            "io.jrun.linux.Processes$ExitStatus", "io.jrun.linux.Mounts", "io.jrun.linux.Namespaces",
            "io.jrun.linux.FileSyscalls", "io.jrun.linux.Stat", "io.jrun.linux.OpenFlags",
            "io.jrun.runtime.launch.Gate", "io.jrun.runtime.launch.MaskedPaths", "io.jrun.linux.FileTypes", "io.jrun.linux.AtFlags",
            "io.jrun.linux.ResolveFlags", "io.jrun.linux.Credentials", "io.jrun.runtime.launch.User", "io.jrun.runtime.launch.ProcMount", "io.jrun.runtime.launch.RootFs",
            "io.jrun.runtime.launch.Privileges", "io.jrun.runtime.launch.Handoff", "io.jrun.runtime.launch.LaunchException",
            "io.jrun.runtime.launch.LaunchPlan", "io.jrun.runtime.launch.LaunchPlan$Caps", "io.jrun.runtime.launch.MountPlan",
            "io.jrun.runtime.launch.SpecMounts", "io.jrun.linux.ResourceLimits", "io.jrun.linux.ResourceLimits$Limit",
            "io.jrun.linux.Seccomp", "io.jrun.runtime.seccomp.SeccompProgram"};

    /** What {@code jrun enter}'s thread uses after its setns, besides the launch's classes. */
    private static final String[] ENTER = {
            "io.jrun.runtime.launch.ContainerEntry", "io.jrun.runtime.launch.ContainerEntry$Plan", "io.jrun.runtime.launch.ContainerEntry$Outcome",
            "io.jrun.runtime.launch.ContainerPty", "io.jrun.runtime.launch.Stdio", "io.jrun.linux.PseudoTerminals",
            "io.jrun.linux.Terminals", "io.jrun.linux.WindowSize"};

    /** The classes of the launch and of {@code jrun enter}. */
    static void forEnter() {
        classes();
        load(ENTER);
        // a record's equals is an invokedynamic call site, linked at its first call: ContainerPty's
        // comes after the setns
        io.jrun.linux.WindowSize.UNSET.equals(io.jrun.linux.WindowSize.UNSET);
    }

    static void classes() {
        io.jrun.runtime.seccomp.SeccompProgram.preload();
        load(CLASSES);
    }

    private static void load(String[] classes) {
        ClassLoader loader = Preload.class.getClassLoader();
        for (String name : classes) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("jrun is incomplete: class " + name + " is missing", e);
            }
        }
    }
}
