package io.jrun.runtime.pod;

import java.time.Instant;
import java.util.List;

/**
 * What a pod is, written once into its pod.json before it is launched: the image and the
 * effective configuration after the image's config and the user's overrides were merged.
 *
 * @param imageName  the name the image was run by, as stored (docker.io/library/busybox:latest)
 * @param imageId    the image's ID (its config digest), which keeps the image from gc
 * @param user       docker's USER[:GROUP] as given or from the image; resolved at launch
 * @param stopSignal the image's StopSignal, or SIGTERM
 * @param volumes    the -v and --tmpfs arguments, as given
 * @param security   capabilities, no_new_privs, seccomp, masked paths: what the app runs with
 *                   ({@link PodSecurity#UNRECORDED} for a pod.json written before jrun recorded it)
 */
public record PodManifest(String uuid, String name, String imageName, String imageId, Instant created,
                          List<String> argv, List<String> env, String workingDir, String user, String hostname,
                          String network, boolean readOnly, List<String> volumes, String stopSignal,
                          boolean removeOnExit, PodSecurity security) {
    public PodManifest {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        volumes = List.copyOf(volumes);
        security = security == null ? PodSecurity.UNRECORDED : security;
    }

    /**
     * The seccomp profile the app runs under: "default" (jrun's built-in), "unconfined", or the
     * absolute path of the custom profile given, whose content the pod directory keeps
     * ({@link PodLease#SECCOMP_PROFILE}).
     */
    public String seccomp() {
        return security.seccomp();
    }

    /** A manifest with the default security settings. */
    public PodManifest(String uuid, String name, String imageName, String imageId, Instant created,
                       List<String> argv, List<String> env, String workingDir, String user, String hostname,
                       String network, boolean readOnly, List<String> volumes, String stopSignal, boolean removeOnExit) {
        this(uuid, name, imageName, imageId, created, argv, env, workingDir, user, hostname, network, readOnly, volumes,
                stopSignal, removeOnExit, PodSecurity.UNRECORDED);
    }
}
