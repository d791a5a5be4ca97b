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
 * <p>A call asks for that maintenance after every failure or slow call (so both can trip), in a
 * time window before it is added past a bucket edge (so it lands in its own bucket), and after a
 * success only while the judge asked for it (the window holds failures but fewer calls than the
 * minimum, so a success may be the call that makes it judgeable). Plain successes therefore touch
 * nothing shared. A count window does not move on with each bucket of successes: when it is next
 * maintained it marks the edges passed meanwhile exactly, since between two maintenances only
 * successes can have been added (every failure and slow call is maintained at once).
 */
final class Window {

    static final int CALLS = 0;
    static final int FAILED = 1;
    static final int SLOW = 2;
    static final int SLOW_FAILED = 3;
    static final int FIELDS = 4;
    /** Longs per cell: 128 bytes, so the adjacent-line prefetcher does not pair two cells. */
    private static final int PAD = 16;
    /**
     * A window has twice the processors' cells (a power of two, within these bounds), so threads
     * rarely share one; only maintenance reads them all, and successes never cause maintenance.
     */
    private static final int MIN_STRIPES = 8;
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
    /** Whether a success must be judged too (see the class comment); set by each judgement. */
    private volatile boolean judgeSuccesses;
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
    /** The sums at the end of the last maintenance: what failed or was slow before the edges passed since. */
    private final long[] settled = new long[FIELDS];

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
            int processors = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()));
            int stripes = Math.min(MAX_STRIPES, Math.max(MIN_STRIPES, processors * 2));
            this.cells = new long[(stripes + 2) * PAD];
            this.stripeShift = 64 - Integer.numberOfTrailingZeros(stripes);
        }
        lock.lock();
        try {
            sum();
            System.arraycopy(sums, 0, settled, 0, FIELDS);
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
     * @return whether the window must now be {@linkplain #maintain(long) maintained}
     */
    boolean record(int cell, boolean failed, boolean slow, long now) {
        if (timeBased && now >= nextEdge) {
            // Move on before adding, so this call lands in the bucket of its own time.
            maintain(now);
        }
        add(cell, failed, slow);
        return failed || slow || judgeSuccesses;
    }

    /** Adds a trial call's outcome to the lifetime counts; trial calls are not judged by the window. */
    void recordTrial(boolean failed, boolean slow) {
        add(cell(), failed, slow);
    }

    private void add(int cell, boolean failed, boolean slow) {
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

    /**
     * Moves the window to {@code now} and has it judged; lock-free for everyone but one thread,
     * which does the work of all who asked meanwhile.
     */
    void maintain(long now) {
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
                sum();
                moveOn(now);
                judgeLocked(now);
            } finally {
                lock.unlock();
            }
            if (!pending) {
                return;
            }
        }
    }

    /** Moves the window on to {@code now} (time) or to the current call count (count); after {@link #sum()}. */
    private void moveOn(long now) {
        if (timeBased) {
            advanceTo(now);
        } else {
            markPassedEdges();
        }
        System.arraycopy(sums, 0, settled, 0, FIELDS);
    }

    /**
     * Starts the buckets of a count window whose edges were passed since the last maintenance. Only
     * successes were added meanwhile, so each edge's mark is exact: its call count, and the
     * failures and slow calls settled before it (or, for an edge at the very last call, those of now).
     */
    private void markPassedEdges() {
        long total = sums[CALLS];
        long edge = nextEdge;
        if (total < edge) {
            return;
        }
        long passed = (total - edge) / bucketSize + 1;
        // Only the newest edges can still bound the window.
        for (long e = edge + Math.max(0, passed - ring) * bucketSize; e <= total; e += bucketSize) {
            current = (current + 1) % ring;
            int at = current * FIELDS;
            long[] bad = e == total ? sums : settled;
            marks[at + CALLS] = e;
            marks[at + FAILED] = bad[FAILED];
            marks[at + SLOW] = bad[SLOW];
            marks[at + SLOW_FAILED] = bad[SLOW_FAILED];
        }
        nextEdge = edge + passed * bucketSize;
    }

    private void judgeLocked(long now) {
        int start = startIndex();
        judgeSuccesses = judge.judge(sums[CALLS] - marks[start + CALLS], sums[FAILED] - marks[start + FAILED],
                sums[SLOW] - marks[start + SLOW], sums[SLOW_FAILED] - marks[start + SLOW_FAILED], now);
    }

    /** Receives the window's counts each time it is judged (under the window's lock). */
    @FunctionalInterface
    interface Judge {
        /**
         * Judges the window's counts; may trip the breaker.
         *
         * @return whether the next successes must be judged too (a success may be what trips it)
         */
        boolean judge(long calls, long failed, long slow, long slowFailed, long now);
    }

    /** Empties the window: everything recorded so far is forgotten by the rates. */
    void clear(long now) {
        lock.lock();
        try {
            sum();
            for (int b = 0; b < ring; b++) {
                System.arraycopy(sums, 0, marks, b * FIELDS, FIELDS);
            }
            System.arraycopy(sums, 0, settled, 0, FIELDS);
            judgeSuccesses = false;
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
            moveOn(now);
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
