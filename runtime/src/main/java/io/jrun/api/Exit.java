package io.jrun.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The exit code a platform thread of its own waits for (the engine's wait blocks in waitid,
 * which would pin a virtual thread's carrier), so callers can wait with a timeout.
 */
final class Exit {
    /** What a waiter thread does: blocks until the app or pod has ended and returns its code. */
    interface Wait {
        int await() throws Exception;
    }

    private final CompletableFuture<Integer> code = new CompletableFuture<>();

    Exit(String threadName, Wait wait) {
        Thread.ofPlatform().daemon().name(threadName).start(() -> {
            try {
                code.complete(wait.await());
            } catch (Throwable e) {
                code.completeExceptionally(e);
            }
        });
    }

    boolean done() {
        return code.isDone();
    }

    int await() throws JrunException, InterruptedException {
        try {
            return code.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    boolean await(Duration timeout) throws JrunException, InterruptedException {
        try {
            code.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    int code(String label) throws JrunException {
        if (!code.isDone()) {
            throw new IllegalStateException(label + " is still running: waitFor() it or stop() it first");
        }
        try {
            return code.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e); // cannot happen: it is done
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static JrunException unwrap(ExecutionException e) {
        return switch (e.getCause()) {
            case JrunException j -> j;
            case io.jrun.runtime.launch.LaunchException l -> Engine.failed(l);
            case java.io.IOException io -> Engine.failed(io);
            case RuntimeException r -> throw r;
            case Error err -> throw err;
            default -> new JrunException(JrunException.JRUN_ERROR, e.getCause().getMessage(), e.getCause());
        };
    }
}
