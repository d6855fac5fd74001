package io.jrun.cli;

import io.jrun.runtime.AppRequest;
import io.jrun.runtime.RestartPolicy;
import io.jrun.runtime.prepare.EffectiveConfig;
import io.jrun.runtime.prepare.MountSpec;
import io.jrun.runtime.prepare.RunRequest;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * One app of a pod of several apps on jrun run's command line, rkt style: {@code IMAGE [app
 * options] [-- args]}, the apps separated by {@code ---}. The first app's IMAGE is jrun run's
 * own; its options follow it.
 */
final class AppOptions {
    /** Separates the apps of a pod on the command line, as rkt's {@code ---}. */
    static final String SEPARATOR = "---";
    final CommandSpec spec;
    private final EnvFlags envFlags = new EnvFlags();
    private final CgroupOptions limits = new CgroupOptions();
    private final boolean withImage;
    private List<String> positionals = new ArrayList<>();
    private String appName;
    private String workingDir;
    private String user;
    private String entrypoint;
    private List<String> volumes = new ArrayList<>();
    private List<String> tmpfs = new ArrayList<>();
    private boolean readOnly;
    private boolean init;
    private String restart = "no";

    /** The options one app of a pod takes after its image (for help and docs checks). */
    static CommandSpec model() {
        return new AppOptions(true).spec;
    }

    private AppOptions(boolean withImage) {
        this.withImage = withImage;
        spec = Specs.command(this, "app", "One app of a pod: IMAGE [app options] [-- args].");
        spec.addPositional(Specs.positionals("0..*", false, withImage ? "IMAGE [ARG...]" : "ARG",
                v -> positionals = v, () -> positionals).build());
        spec.addOption(Specs.option(String.class, "NAME", v -> appName = v, () -> appName, "--app-name")
                .description("The app's name in the pod (default: the image's name).").build());
        envFlags.addTo(spec);
        spec.addOption(Specs.option(String.class, "DIR", v -> workingDir = v, () -> workingDir, "-w", "--workdir").build());
        spec.addOption(Specs.option(String.class, "USER[:GROUP]", v -> user = v, () -> user, "-u", "--user").build());
        spec.addOption(Specs.option(String.class, "CMD", v -> entrypoint = v, () -> entrypoint, "--entrypoint").build());
        spec.addOption(Specs.repeatable("SRC:DST[:ro]", v -> volumes = v, () -> volumes, "-v", "--volume").build());
        spec.addOption(Specs.repeatable("DST[:OPTIONS]", v -> tmpfs = v, () -> tmpfs, "--tmpfs").build());
        spec.addOption(Specs.flag(v -> readOnly = v, () -> readOnly, "--read-only").build());
        spec.addOption(Specs.flag(v -> init = v, () -> init, "--init-app").build());
        spec.addOption(Specs.option(String.class, "no|on-failure[:N]|always", v -> restart = v, () -> restart, "--restart").build());
        limits.addLimitsTo(spec); // the app's own cgroup's; the pod's are given before the first image
    }

    /**
     * Parses one app's part of the command line: {@code tokens} start with the IMAGE unless
     * this is the first app, whose image jrun run has parsed ({@code firstImage}). The app gets
     * the pod's security options ({@code template}'s).
     */
    static AppRequest parse(List<String> tokens, String firstImage, RunRequest template) throws Exception {
        AppOptions app = new AppOptions(firstImage == null);
        CommandLine cli = new CommandLine(app.spec).setAllowOptionsAsOptionParameters(true);
        try {
            cli.parseArgs(tokens.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in the app " + String.join(" ", tokens)
                    + "; app options: --app-name, -e, --env-file, -u, -w, --entrypoint, -v, --tmpfs, --read-only, --init-app,"
                    + " --restart, -m, --memory-swap, --cpus, --cpu-weight, --pids-limit, --io-weight, --cpuset-cpus)");
        }
        return app.request(firstImage, template);
    }

    private AppRequest request(String firstImage, RunRequest template) throws Exception {
        List<String> args = positionals;
        String image = firstImage;
        if (withImage) {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("an empty app between two ---: give an IMAGE after each ---");
            }
            image = args.getFirst();
            args = args.subList(1, args.size());
        }
        io.jrun.images.source.ImageLocation.parse(image); // a malformed reference fails here
        if (workingDir != null) {
            EffectiveConfig.checkWorkingDir(workingDir);
        }
        List<MountSpec> mounts = new ArrayList<>();
        List<String> mountArgs = new ArrayList<>();
        RunCommand.addMounts(volumes, tmpfs, mounts, mountArgs);
        RunRequest process = RunRequest.builder(image).command(args).entrypoint(entrypoint).env(envFlags.entries())
                .workingDir(workingDir).user(user).mounts(mounts, mountArgs).readOnly(readOnly)
                .seccomp(template.seccomp()).security(template.security()).devices(template.devices())
                .limits(limits.limits()).build();
        String name = appName != null ? appName : defaultName(image);
        return AppRequest.builder(name, process).init(init).restart(RestartPolicy.parse(restart)).build();
    }

    /** rkt's default app name: the image's last path component, without tag or digest, in the names apps may have. */
    static String defaultName(String image) {
        String last = image.substring(image.lastIndexOf('/') + 1);
        int cut = last.indexOf('@');
        last = cut >= 0 ? last.substring(0, cut) : last;
        cut = last.indexOf(':');
        last = cut >= 0 ? last.substring(0, cut) : last;
        String name = last.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        return name.isEmpty() ? "app" : name.substring(0, Math.min(name.length(), 63)).replaceAll("-+$", "");
    }

    /** Splits what follows the first IMAGE at each {@code ---}: the first app's options, then each further app's. */
    static List<List<String>> split(List<String> afterFirstImage) {
        List<List<String>> apps = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String token : afterFirstImage) {
            if (token.equals(SEPARATOR)) {
                apps.add(current);
                current = new ArrayList<>();
            } else {
                current.add(token);
            }
        }
        apps.add(current);
        return apps;
    }

    /**
     * The pod-store unit that {@code jrun logs} or {@code jrun enter} acts on: with
     * {@code --app}, that app of the pod of several apps {@code pod}; without it, the pod
     * {@code pod}, which must not be one of several apps.
     */
    static io.jrun.runtime.pod.PodStatus target(io.jrun.runtime.Pods pods, String pod, String app) throws Exception {
        io.jrun.runtime.AppPods appPods = io.jrun.runtime.AppPods.of(pods);
        var several = appPods.find(pod);
        if (app == null) {
            if (several.isPresent()) {
                throw new IllegalArgumentException("pod " + several.get().label() + " has several apps: name one with --app ("
                        + String.join(", ", several.get().apps().stream().map(a -> a.name()).toList()) + ")");
            }
            return pods.find(pod);
        }
        if (several.isEmpty()) {
            pods.find(pod); // no such pod at all: that line
            throw new IllegalArgumentException("pod " + pod + " has one app: drop --app");
        }
        return appPods.unit(several.get(), app);
    }
}
