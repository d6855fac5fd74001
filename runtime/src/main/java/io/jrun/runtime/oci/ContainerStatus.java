package io.jrun.runtime.oci;

import io.jrun.runtime.spec.State;

/**
 * The runtime specification's lifecycle: what a container is, and which operation may come next.
 * <pre>
 *  create ──► CREATING ──► CREATED ──start──► RUNNING ──(the process exits)──► STOPPED ──delete──► (gone)
 *                             │                  │ kill                        ▲
 *                             └──kill / delete --force───────────────────────────┘
 * </pre>
 */
public enum ContainerStatus {
    /** create has begun and not finished (or its process died midway: delete cleans it up). */
    CREATING(State.CREATING),
    /** The process waits in its gate: nothing of the app has run. */
    CREATED(State.CREATED),
    /** The app runs. */
    RUNNING(State.RUNNING),
    /** The process has exited. */
    STOPPED(State.STOPPED);

    private final String specName;

    ContainerStatus(String specName) {
        this.specName = specName;
    }

    /** The name in the runtime-spec state: creating, created, running, stopped. */
    public String specName() {
        return specName;
    }

    public boolean canStart() {
        return this == CREATED;
    }

    public boolean canKill() {
        return this == CREATED || this == RUNNING;
    }

    public boolean canExec() {
        return this == RUNNING;
    }

    /** delete without --force: only what no longer runs. */
    public boolean canDelete() {
        return this == STOPPED || this == CREATING;
    }

    /** The one line saying why {@code operation} cannot happen now. */
    String refusal(String id, String operation) {
        String fix = switch (operation) {
            case "start" -> this == RUNNING ? "it was started already" : "create it again";
            case "delete" -> "stop it first (kill), or delete --force";
            default -> "it must be created or running";
        };
        return "container " + id + " is " + specName + ": cannot " + operation + " it; " + fix;
    }
}
