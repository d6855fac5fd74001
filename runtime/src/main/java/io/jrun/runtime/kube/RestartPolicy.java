package io.jrun.runtime.kube;

/**
 * The pod's {@code restartPolicy}, which Kubernetes applies to every container; Always when the
 * manifest names none (Kubernetes' and podman's default). Per app it maps onto jrun's app restart
 * policies ({@link AppRestart}) as the kubelet applies it: init containers never use Always, as
 * they must run to completion before the apps start.
 */
public enum RestartPolicy {
    ALWAYS("Always", AppRestart.ALWAYS, AppRestart.ON_FAILURE),
    ON_FAILURE("OnFailure", AppRestart.ON_FAILURE, AppRestart.ON_FAILURE),
    NEVER("Never", AppRestart.NO, AppRestart.NO);

    /** jrun's per-app restart policy: no, on-failure, always. */
    public enum AppRestart { NO, ON_FAILURE, ALWAYS }

    private final String kubeName;
    private final AppRestart app;
    private final AppRestart initApp;

    RestartPolicy(String kubeName, AppRestart app, AppRestart initApp) {
        this.kubeName = kubeName;
        this.app = app;
        this.initApp = initApp;
    }

    public String kubeName() {
        return kubeName;
    }

    /** The restart policy of an app from {@code spec.containers}. */
    public AppRestart forApp() {
        return app;
    }

    /**
     * The restart policy of an init app ({@code spec.initContainers}): on-failure under Always
     * and OnFailure (the init app is retried until it succeeds), no under Never (its failure
     * fails the pod).
     */
    public AppRestart forInitApp() {
        return initApp;
    }
}
