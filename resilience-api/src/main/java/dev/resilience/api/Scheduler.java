package dev.resilience.api;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a task after a delay. Used for timers off the hot path: asynchronous retries, lease
 * renewal, write-behind flush deadlines, background prefetch.
 *
 * <p>Tasks must be short: a scheduler's threads are timers, and real work belongs elsewhere.
 * In tests, {@link ManualClock#scheduler()} runs tasks when the clock is advanced.
 *
 * <pre>{@code
 * Scheduler timer = Scheduler.shared();
 * Scheduler.Task renewal = timer.schedule(lease::renew, TimeUnit.SECONDS.toNanos(10));
 * renewal.cancel();
 * }</pre>
 */
@FunctionalInterface
public interface Scheduler {

    /**
     * Runs {@code task} once, {@code delayNanos} from now (at once if not positive).
     *
     * @return a handle that cancels the task if it has not started
     */
    Task schedule(Runnable task, long delayNanos);

    /** A scheduled task. */
    @FunctionalInterface
    interface Task {
        /** Prevents the task from running if it has not started; true if this call cancelled it. */
        boolean cancel();
    }

    /** Schedules on an executor the application owns (and shuts down). */
    static Scheduler using(ScheduledExecutorService executor) {
        if (executor == null) {
            throw new IllegalArgumentException("executor must not be null");
        }
        return (task, delayNanos) -> {
            Runnable logged = () -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    // A future nobody reads would swallow this; say it instead.
                    System.getLogger(Scheduler.class.getName())
                            .log(System.Logger.Level.WARNING, "scheduled task " + task + " failed", e);
                    throw e;
                }
            };
            ScheduledFuture<?> future = executor.schedule(logged, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        };
    }

    /**
     * The library's own timer: one daemon thread, started on first use, that application pools
     * cannot starve. It never blocks the JVM's exit.
     */
    static Scheduler shared() {
        return SharedScheduler.INSTANCE;
    }
}

/** Holder of the library's timer thread, created on first use of {@link Scheduler#shared()}. */
final class SharedScheduler {
    static final Scheduler INSTANCE = Scheduler.using(newTimer());

    private SharedScheduler() {
    }

    private static ScheduledExecutorService newTimer() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "resilience-timer-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, factory);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
