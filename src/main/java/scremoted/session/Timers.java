package scremoted.session;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The reaper: one platform thread keeping every deadline (hello, keepalive, receive, zombie
 * expiry) in a priority queue, so that idle sessions cost nothing per tick. Deadlines that move
 * (a link's last receive and send) are not rescheduled on every frame: a task fires at the oldest
 * possible deadline, looks at the current time stamps, and either acts or re-arms itself. Actions
 * that take locks or touch sockets run on virtual threads of their own.
 */
public final class Timers implements AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;

    public Timers() {
        executor = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("sc_remoted-reaper").daemon().factory());
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Runs {@code action} on a new virtual thread after the delay. */
    public ScheduledFuture<?> after(long nanos, Runnable action) {
        return executor.schedule(() -> {
            Thread.ofVirtual().name("sc_remoted-timer").start(action);
        }, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** Runs a cheap check on the reaper thread itself (it must not block). */
    ScheduledFuture<?> check(long nanos, Runnable check) {
        return executor.schedule(check, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
