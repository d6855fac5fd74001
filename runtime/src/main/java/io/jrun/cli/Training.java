package io.jrun.cli;

/**
 * The AOT training run (scripts/aot-train.sh): runs the common commands once, in one JVM,
 * against a throw-away state dir, so the AOT cache holds every class they load.
 */
public final class Training {
    private Training() {
    }

    public static void main(String[] args) {
        String dir = args[0];
        String image = args[1];
        int[] codes = {
            Main.run("--version"),
            Main.run("--help"),
            Main.run("--dir", dir, "fetch", image),
            Main.run("--dir", dir, "fetch", "-q", image),
            Main.run("--dir", dir, "image", "list"),
            Main.run("--dir", dir, "image", "list", "--format", "json"),
            Main.run("--dir", dir, "image", "inspect", image),
            Main.run("--dir", dir, "image", "rm", image),
            Main.run("--dir", dir, "image", "gc"),
        };
        for (int code : codes) {
            if (code != 0) {
                System.err.println("training: a command failed with exit code " + code);
                System.exit(1);
            }
        }
    }
}
