package dev.resilience.api;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when told to, for deterministic tests of anything time-dependent.
 *
 * <p>{@link #advance(Duration)} moves both readings forward; {@link #setWallMillis(long)} jumps
 * only the wall clock (to prove a wall-clock jump changes no decision). {@link #sleep(long)}
 * advances the clock by the requested time instead of blocking, so code that waits (a blocking
 * {@code acquire}, a retry back-off) runs at once and the test can read how long it waited from
 * {@link #sleptNanos()}.
 *
 * <p>{@link #scheduler()} is a {@link Scheduler} driven by this clock: its tasks run in the thread
 * that advances the clock, when the clock passes their due time, in due-time order.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * RateLimiter limiter = RateLimiter.tokenBucket().capacity(10).refill(10, Duration.ofSeconds(1))
 *         .clock(clock).build();
 * clock.advance(Duration.ofMillis(100));   // exactly one token refilled
 * }</pre>
 *
 * <p>Thread-safe: many threads may read it while one advances it.
 */
public final class ManualClock implements Clock {

    /** Monotonic readings start far from zero so code that treats 0 as "unset" is caught. */
    private static final long DEFAULT_START_NANOS = TimeUnit.DAYS.toNanos(1000);
    /** 2026-01-01T00:00:00Z. */
    private static final long DEFAULT_START_WALL_MILLIS = 1_767_225_600_000L;

    private final AtomicLong nanos;
    /** Wall time kept in nanoseconds so sub-millisecond advances add up exactly. */
    private final AtomicLong wallNanos;
    private final AtomicLong sleptNanos = new AtomicLong();
    private final ReentrantLock tasksLock = new ReentrantLock();
    private final PriorityQueue<ManualTask> tasks = new PriorityQueue<>();
    private long taskSequence;

    /** A clock at an arbitrary monotonic reading and at 2026-01-01T00:00:00Z on the wall. */
    public ManualClock() {
        this(DEFAULT_START_NANOS, DEFAULT_START_WALL_MILLIS);
    }

    /** A clock at the given readings. */
    public ManualClock(long startNanos, long startWallMillis) {
        this.nanos = new AtomicLong(startNanos);
        this.wallNanos = new AtomicLong(TimeUnit.MILLISECONDS.toNanos(startWallMillis));
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long wallMillis() {
        return TimeUnit.NANOSECONDS.toMillis(wallNanos.get());
    }

    /** The wall-clock reading as an {@link Instant}. */
    public Instant instant() {
        return Instant.ofEpochMilli(wallMillis());
    }

    /** Advances by {@code nanos} instead of blocking, and adds them to {@link #sleptNanos()}. */
    @Override
    public void sleep(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos > 0) {
            sleptNanos.addAndGet(nanos);
            advanceNanos(nanos);
        }
    }

    /** Total time callers have {@linkplain #sleep(long) slept} on this clock. */
    public long sleptNanos() {
        return sleptNanos.get();
    }

    /** Moves both readings forward, running the {@linkplain #scheduler() scheduled tasks} that fall due. */
    public ManualClock advance(Duration duration) {
        return advanceNanos(duration.toNanos());
    }

    /** Moves both readings forward by {@code millis}. */
    public ManualClock advanceMillis(long millis) {
        return advanceNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /**
     * Moves both readings forward by {@code delta} nanoseconds. Each due task runs with the clock
     * set to its due time, so it sees the time it was scheduled for.
     *
     * @throws IllegalArgumentException if {@code delta} is negative: monotonic time never goes back
     */
    public ManualClock advanceNanos(long delta) {
        if (delta < 0) {
            throw new IllegalArgumentException("delta must not be negative but was " + delta);
        }
        long target = nanos.get() + delta;
        for (ManualTask task; (task = pollDue(target)) != null; ) {
            moveTo(task.dueNanos);
            task.runIfLive();
        }
        moveTo(target);
        return this;
    }

    /** Sets the wall clock only; the monotonic reading does not move. */
    public ManualClock setWallMillis(long millis) {
        wallNanos.set(TimeUnit.MILLISECONDS.toNanos(millis));
        return this;
    }

    /** A scheduler whose tasks run when this clock is advanced past their due time. */
    public Scheduler scheduler() {
        return this::schedule;
    }

    /** The number of scheduled tasks not yet run or cancelled. */
    public int pendingTasks() {
        tasksLock.lock();
        try {
            tasks.removeIf(ManualTask::isCancelled);
            return tasks.size();
        } finally {
            tasksLock.unlock();
        }
    }

    private void moveTo(long target) {
        for (long current; (current = nanos.get()) < target; ) {
            if (nanos.compareAndSet(current, target)) {
                wallNanos.addAndGet(target - current);
                return;
            }
        }
    }

    private Scheduler.Task schedule(Runnable task, long delayNanos) {
        tasksLock.lock();
        try {
            ManualTask scheduled = new ManualTask(task, nanos.get() + Math.max(0, delayNanos), taskSequence++);
            tasks.add(scheduled);
            return scheduled;
        } finally {
            tasksLock.unlock();
        }
    }

    private ManualTask pollDue(long target) {
        tasksLock.lock();
        try {
            ManualTask head = tasks.peek();
            return head != null && head.dueNanos <= target ? tasks.poll() : null;
        } finally {
            tasksLock.unlock();
        }
    }

    private static final class ManualTask implements Scheduler.Task, Comparable<ManualTask> {
        private final Runnable body;
        private final long dueNanos;
        private final long sequence;
        private final AtomicBoolean done = new AtomicBoolean();

        ManualTask(Runnable body, long dueNanos, long sequence) {
            this.body = body;
            this.dueNanos = dueNanos;
            this.sequence = sequence;
        }

        void runIfLive() {
            if (done.compareAndSet(false, true)) {
                body.run();
            }
        }

        boolean isCancelled() {
            return done.get();
        }

        @Override
        public boolean cancel() {
            return done.compareAndSet(false, true);
        }

        @Override
        public int compareTo(ManualTask other) {
            int byDue = Long.compare(dueNanos, other.dueNanos);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }
}
