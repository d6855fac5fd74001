package io.jrun.images.registry;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches blob downloads for connections that stay open but stop delivering bytes. One
 * scheduler thread per client checks every stream a few times per idle period.
 */
final class StallGuard {
    static final Duration DEFAULT_IDLE = Duration.ofSeconds(60);

    private final ScheduledExecutorService scheduler;
    private final Duration idleTimeout;

    StallGuard(ScheduledExecutorService scheduler, Duration idleTimeout) {
        this.scheduler = scheduler;
        this.idleTimeout = idleTimeout;
    }

    /** Runs {@code check} with the idle timeout periodically until the returned future is cancelled. */
    ScheduledFuture<?> watch(Consumer<Duration> check) {
        long period = Math.max(1, idleTimeout.toMillis() / 4);
        return scheduler.scheduleWithFixedDelay(() -> check.accept(idleTimeout), period, period, TimeUnit.MILLISECONDS);
    }
}
