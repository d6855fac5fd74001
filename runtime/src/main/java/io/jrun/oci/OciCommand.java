package io.jrun.oci;

import io.jrun.cli.Specs;
import io.jrun.cli.VersionProvider;
import io.jrun.runtime.oci.OciRoot;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** {@code jrun-oci}'s global options, runc's. */
final class OciCommand implements Runnable {
    final CommandSpec spec;
    Path root = OciRoot.DEFAULT;
    Path log;
    String logFormat = "text";
    boolean systemdCgroup;
    boolean debug;
    boolean rootless;
    String cgroupManager = "cgroupfs";

    OciCommand() {
        spec = Specs.command(this, "jrun-oci", "jrun's OCI runtime command line (runc's interface), for conmon, podman and CRI-O.");
        spec.versionProvider(new VersionProvider());
        spec.addOption(Specs.option(Path.class, "DIR", v -> root = v, () -> root, "--root")
                .description("State directory (default: ${DEFAULT-VALUE}).").build());
        spec.addOption(Specs.option(Path.class, "FILE", v -> log = v, () -> log, "--log")
                .description("Also write errors to FILE.").build());
        spec.addOption(Specs.option(String.class, "FORMAT", v -> logFormat = v, () -> logFormat, "--log-format")
                .description("text (default) or json.").build());
        spec.addOption(Specs.option(String.class, "LEVEL", v -> { }, () -> null, "--log-level")
                .description("Accepted for runc compatibility; jrun-oci logs errors only.").build());
        spec.addOption(Specs.flag(v -> systemdCgroup = v, () -> systemdCgroup, "--systemd-cgroup")
                .description("cgroupsPath is systemd's slice:prefix:name; jrun-oci makes the cgroup itself.").build());
        spec.addOption(Specs.option(String.class, "MANAGER", v -> cgroupManager = v, () -> cgroupManager, "--cgroup-manager")
                .description("cgroupfs (default: jrun-oci writes the cgroup itself), systemd (the same), or disabled:"
                        + " no cgroup at all: linux.resources, the device rules among them, not enforced (crun's option, which podman passes with"
                        + " --cgroups=disabled).").build());
        spec.addOption(Specs.flag(v -> debug = v, () -> debug, "--debug").description("Stack traces with errors.").build());
        spec.addOption(Specs.option(String.class, "BOOL", v -> rootless = Boolean.parseBoolean(v), () -> null, "--rootless")
                .description("Only false: jrun-oci runs as root.").build());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(spec), "a command is needed: create, start, state,"
                + " kill, delete, exec, run, ps, list or features");
    }

    /** Whether containers get no cgroup (--cgroup-manager disabled). */
    boolean noCgroups() {
        return switch (cgroupManager) {
            case "cgroupfs", "systemd" -> false;
            case "disabled" -> true;
            default -> throw new IllegalArgumentException("unknown --cgroup-manager " + cgroupManager
                    + ": use cgroupfs, systemd or disabled");
        };
    }

    OciRoot openRoot() throws IOException {
        if (rootless) {
            throw new IllegalArgumentException("--rootless true is not supported: jrun-oci runs as root");
        }
        return OciRoot.open(root);
    }

    /** One line in --log, if given: runc's JSON with --log-format json. */
    void log(String level, String message) {
        log(level, message, 0);
    }

    /** As {@link #log(String, String)}; a nonzero {@code exitCode} is added to a JSON line (jrun run -d reads it). */
    void log(String level, String message, int exitCode) {
        if (log == null) {
            return;
        }
        String line;
        if (logFormat.equals("json")) {
            line = "{\"level\":\"" + level + "\",\"msg\":\"" + jsonEscape(message) + "\",\"time\":\"" + Instant.now()
                    + (exitCode != 0 ? "\",\"exitCode\":" + exitCode + "}\n" : "\"}\n");
        } else {
            line = Instant.now() + " " + level + ": " + message + "\n";
        }
        try {
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the error is on stderr too
        }
    }

    static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
