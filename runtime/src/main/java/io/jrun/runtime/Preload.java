package io.jrun.runtime;

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
            "io.jrun.runtime.Gate", "io.jrun.runtime.MaskedPaths", "io.jrun.linux.FileTypes", "io.jrun.linux.AtFlags",
            "io.jrun.linux.ResolveFlags", "io.jrun.linux.Credentials", "io.jrun.runtime.User", "io.jrun.runtime.ProcMount", "io.jrun.runtime.RootFs",
            "io.jrun.runtime.Privileges", "io.jrun.runtime.Handoff", "io.jrun.runtime.LaunchException",
            "io.jrun.linux.Seccomp", "io.jrun.runtime.seccomp.SeccompProgram"};

    static void classes() {
        io.jrun.runtime.seccomp.SeccompProgram.preload();
        ClassLoader loader = Preload.class.getClassLoader();
        for (String name : CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("jrun is incomplete: class " + name + " is missing", e);
            }
        }
    }
}
