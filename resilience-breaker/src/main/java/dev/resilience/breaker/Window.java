package dev.resilience.breaker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sliding window of a breaker, count- or time-based.
 *
 * <p>Why it looks like this: a shared counter per call is what makes every peer collapse under
 * two threads. So each thread adds its outcome to one of several striped, cache-line-padded cells
 * of <em>cumulative</em> counters (one atomic add for a plain success), and the window is the
 * difference between the cells' current sums and the sums marked at the start of its oldest
 * bucket. Marks move at bucket edges, under a lock that no thread waits for: whoever finds the
 * lock taken leaves a note ({@code pending}) and the holder goes round once more.
 *
 * <p>A cell asks for that maintenance after every failure or slow call (so both can trip), when
 * its own count reaches its next check (a count window's bucket edge, or every few calls of a
 * time window, so a window that fills past the minimum with successes is still judged) and, in a
 * time window, before a call is added past a bucket edge (so the call lands in its own bucket).
 */
final class Window {

    static final int CALLS = 0;
    static final int FAILED = 1;
    static final int SLOW = 2;
    static final int SLOW_FAILED = 3;
    static final int FIELDS = 4;
    /** Where a cell keeps the count at which it next asks for maintenance (written racily: a hint). */
    private static final int CHECK_AT = 4;
    /** Longs per cell: 128 bytes, so the adjacent-line prefetcher does not pair two cells. */
    private static final int PAD = 16;
    /** How often (in a cell's calls) a time window is judged without a failure, slow call or edge. */
    private static final long TIME_CHECK_STRIDE = 8;
    /** The most cells of a window; it has twice the processors (a power of two), so threads rarely share one. */
    private static final int MAX_STRIPES = 64;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    final SlidingWindow shape;
    private final Judge judge;
    private final boolean timeBased;
    private final long bucketSize;
    private final int buckets;
    private final long[] cells;
    private final int stripeShift;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean pending;
    /** The next bucket edge: a cumulative call count (count window) or a clock reading (time window). */
    private volatile long nextEdge;
    /**
     * The cumulative sums at the start of each bucket, a ring of {@code buckets + 1} so the bucket
     * that just left a count window is still at hand (see {@link #startIndex()}); guarded by
     * {@link #lock}.
     */
    private final long[] marks;
    private final int ring;
    /** The current bucket's index in the ring; guarded by {@link #lock}. */
    private int current;
    /** Scratch for the sums; guarded by {@link #lock}. */
    private final long[] sums = new long[FIELDS];

    /**
     * A window of {@code shape}; with a {@code previous} window it keeps that window's cells and
     * its content (which then ages out under the new shape's rules).
     */
    Window(SlidingWindow shape, long now, Window previous, Judge judge) {
        this.shape = shape;
        this.judge = judge;
        this.timeBased = shape.kind() == SlidingWindow.Kind.TIME;
        this.bucketSize = shape.bucketSize();
        this.buckets = shape.buckets();
        this.ring = buckets + 1;
        this.marks = new long[ring * FIELDS];
        if (previous != null) {
            this.cells = previous.cells;
            this.stripeShift = previous.stripeShift;
            long[] start = previous.startMark();
            for (int b = 0; b < ring; b++) {
                System.arraycopy(start, 0, marks, b * FIELDS, FIELDS);
            }
        } else {
            int stripes = Math.min(MAX_STRIPES, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors())) * 2);
            this.cells = new long[(stripes + 2) * PAD];
            this.stripeShift = 64 - Integer.numberOfTrailingZeros(stripes);
        }
        lock.lock();
        try {
            sum();
            nextEdge = timeBased ? now + bucketSize : sums[CALLS] + bucketSize;
        } finally {
            lock.unlock();
        }
    }

    /** Whether calls must be timed for this window (beyond a slow-call threshold). */
    boolean timeBased() {
        return timeBased;
    }

    /** The index of the calling thread's cell. */
    int cell() {
        // Fibonacci hashing of the thread id: consecutive ids land in different cells.
        return ((int) ((Thread.currentThread().getId() * 0x9E3779B97F4A7C15L) >>> stripeShift) + 1) * PAD;
    }

    /**
     * Adds one outcome to the calling thread's cell.
     *
     * @return the cell's call count when maintenance is due, else -1
     */
    long record(int cell, boolean failed, boolean slow, long now) {
        if (timeBased && now >= nextEdge) {
            // Move on before adding, so this call lands in the bucket of its own time.
            maintain(cell, cells[cell + CALLS], now);
        }
        long count = (long) SLOT.getAndAdd(cells, cell + CALLS, 1L) + 1;
        if (failed || slow) {
            if (failed) {
                SLOT.getAndAdd(cells, cell + FAILED, 1L);
            }
            if (slow) {
                SLOT.getAndAdd(cells, cell + SLOW, 1L);
                if (failed) {
                    SLOT.getAndAdd(cells, cell + SLOW_FAILED, 1L);
                }
            }
            return count;
        }
        return count >= cells[cell + CHECK_AT] ? count : -1;
    }

    /**
     * Moves the window to {@code now} and has it judged; lock-free for everyone but one thread,
     * which does the work of all who asked meanwhile.
     *
     * @param count the calling cell's count, as returned by {@link #record}
     */
    void maintain(int cell, long count, long now) {
        for (;;) {
            if (!lock.tryLock()) {
                // Leave a note, then try once more: either the holder sees the note after it
                // unlocks and goes round again, or it had already unlocked and this try succeeds.
                pending = true;
                if (!lock.tryLock()) {
                    return;
                }
            }
            try {
                pending = false;
                maintainLocked(cell, count, now);
            } finally {
                lock.unlock();
            }
            if (!pending) {
                return;
            }
        }
    }

    private void maintainLocked(int cell, long count, long now) {
        sum();
        if (timeBased) {
            advanceTo(now);
            cells[cell + CHECK_AT] = count + TIME_CHECK_STRIDE;
            judgeLocked(now);
        } else {
            // Judged before it rolls: at a bucket edge the window is exactly full.
            judgeLocked(now);
            long edge = nextEdge;
            if (sums[CALLS] >= edge) {
                long passed = (sums[CALLS] - edge) / bucketSize + 1;
                roll((int) Math.min(passed, buckets));
                edge += passed * bucketSize;
                nextEdge = edge;
            }
            cells[cell + CHECK_AT] = count + Math.max(1, Math.min(bucketSize, edge - sums[CALLS]));
        }
    }

    private void judgeLocked(long now) {
        int start = startIndex();
        judge.judge(sums[CALLS] - marks[start + CALLS], sums[FAILED] - marks[start + FAILED],
                sums[SLOW] - marks[start + SLOW], sums[SLOW_FAILED] - marks[start + SLOW_FAILED], now);
    }

    /** Receives the window's counts each time it is judged (under the window's lock). */
    @FunctionalInterface
    interface Judge {
        /** Judges the window's counts; may trip the breaker. */
        void judge(long calls, long failed, long slow, long slowFailed, long now);
    }

    /** Adds a trial call's outcome to the lifetime counts without touching the window's edges. */
    void recordTrial(boolean failed, boolean slow) {
        int cell = cell();
        SLOT.getAndAdd(cells, cell + CALLS, 1L);
        if (failed) {
            SLOT.getAndAdd(cells, cell + FAILED, 1L);
        }
        if (slow) {
            SLOT.getAndAdd(cells, cell + SLOW, 1L);
            if (failed) {
                SLOT.getAndAdd(cells, cell + SLOW_FAILED, 1L);
            }
        }
    }

    /** Empties the window: everything recorded so far is forgotten by the rates. */
    void clear(long now) {
        lock.lock();
        try {
            sum();
            for (int b = 0; b < ring; b++) {
                System.arraycopy(sums, 0, marks, b * FIELDS, FIELDS);
            }
            nextEdge = timeBased ? now + bucketSize : sums[CALLS] + bucketSize;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The window's counts at {@code now}, then the lifetime counts:
     * {@code [calls, failed, slow, slowFailed, totalCalls, totalFailed, totalSlow, totalSlowFailed]}.
     */
    long[] snapshot(long now) {
        lock.lock();
        try {
            sum();
            if (timeBased) {
                advanceTo(now);
            }
            long[] result = new long[2 * FIELDS];
            int start = startIndex();
            for (int f = 0; f < FIELDS; f++) {
                result[f] = sums[f] - marks[start + f];
                result[FIELDS + f] = sums[f];
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    private long[] startMark() {
        lock.lock();
        try {
            sum();
            long[] start = new long[FIELDS];
            System.arraycopy(marks, startIndex(), start, 0, FIELDS);
            return start;
        } finally {
            lock.unlock();
        }
    }

    /** Moves a time window on to the bucket of {@code now}, if an edge has passed; under the lock, after {@link #sum()}. */
    private void advanceTo(long now) {
        long edge = nextEdge;
        if (now >= edge) {
            long passed = (now - edge) / bucketSize + 1;
            roll((int) Math.min(passed, buckets));
            nextEdge = edge + passed * bucketSize;
        }
    }

    /** Starts {@code count} new buckets at the current sums; the oldest ones leave the window. */
    private void roll(int count) {
        for (int i = 0; i < count; i++) {
            current = (current + 1) % ring;
            System.arraycopy(sums, 0, marks, current * FIELDS, FIELDS);
        }
    }

    /**
     * Where the window starts: {@code buckets - 1} buckets before the current one. A count window
     * whose current bucket is still empty (it has just moved on at an edge) is the {@code buckets}
     * full buckets before it, so between calls it still shows the last {@code size} calls.
     */
    private int startIndex() {
        boolean currentEmpty = sums[CALLS] == marks[current * FIELDS + CALLS];
        int back = !timeBased && currentEmpty ? buckets : buckets - 1;
        return (current + ring - back) % ring * FIELDS;
    }

    private void sum() {
        long calls = 0;
        long failed = 0;
        long slow = 0;
        long slowFailed = 0;
        // Each counter is read before its dependents are, and all only grow, so a sum never shows
        // more failures than calls.
        for (int cell = PAD; cell < cells.length - PAD; cell += PAD) {
            slowFailed += (long) SLOT.getAcquire(cells, cell + SLOW_FAILED);
            slow += (long) SLOT.getAcquire(cells, cell + SLOW);
            failed += (long) SLOT.getAcquire(cells, cell + FAILED);
            calls += (long) SLOT.getAcquire(cells, cell + CALLS);
        }
        sums[CALLS] = calls;
        sums[FAILED] = failed;
        sums[SLOW] = slow;
        sums[SLOW_FAILED] = slowFailed;
    }

    /** Why a window trips. */
    static final class Verdict {
        static final int NONE = 0;
        static final int FAILURE_RATE = 1;
        static final int SLOW_CALL_RATE = 2;
        static final int COMBINED_RATE = 3;

        private Verdict() {
        }

        /** Judges the counts of a window or of a trial round against the thresholds. */
        static int of(long calls, long failed, long slow, long slowFailed, long minimumCalls,
                CircuitBreakerConfig config) {
            if (calls < minimumCalls || calls == 0) {
                return NONE;
            }
            if (failed * 100.0 / calls >= config.failureRateThreshold()) {
                return FAILURE_RATE;
            }
            boolean slowCalls = !config.slowCallDuration().isZero();
            if (slowCalls && slow * 100.0 / calls >= config.slowCallRateThreshold()) {
                return SLOW_CALL_RATE;
            }
            if (config.combinedRateThreshold() > 0
                    && (failed + slow - slowFailed) * 100.0 / calls >= config.combinedRateThreshold()) {
                return COMBINED_RATE;
            }
            return NONE;
        }
    }
}
