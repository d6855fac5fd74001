package io.jrun.runtime.pod;

import java.util.Locale;

/** rkt's pod states, as users see them. */
public enum PodState {
    /** Being set up by a live jrun. */
    PREPARING,
    /** Its app runs under a live jrun. */
    RUNNING,
    /** Its app ended (or its supervisor died: {@link PodStatus#abandoned()}). */
    EXITED,
    /** Marked or being removed by gc. */
    GARBAGE;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
