package dev.resilience.idgen;

import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.ResilienceException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link Snowflake} implementation. The whole mutable state is one {@code AtomicLong}
 * holding the last issued tick and sequence, {@code tick << sequenceBits | sequence}, so an id
 * costs one clock read and one compare-and-set; waits and borrowing are off the fast path.
 */
final class SnowflakeGenerator implements Snowflake {

    private static final long NANOS_PER_MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    /** When the wall clock has not ticked at the predicted moment, re-check this often. */
    private static final long RECHECK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    /**
     * A park overshoots by the kernel's timer slack (50 µs on Linux) plus the wake-up latency,
     * which would cost a tenth of a tick's capacity per wait. So a wait parks until this long
     * before the predicted tick and re-reads the clock for the rest, a bounded number of times
     * (bounded in reads, so a manual clock that never moves cannot hold the thread).
     */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(60);
    private static final int MAX_SPINS = 2_000;
    private static final long UNKNOWN = Long.MAX_VALUE;

    private final AtomicLong state;
    private final Clock clock;
    private final SnowflakeLayout layout;
    private final WorkerLease lease;
    private final long epochMillis;
    private final long tickMillis;
    private final int sequenceBits;
    private final int timestampShift;
    private final long sequenceMask;
    private final long workerPart;
    private final long workerId;
    private final long maxTick;
    private final long maxAheadTicks;
    private final long backwardsTimeoutNanos;
    private final long offsetMask;
    private final long offsetSeed;

    private final AtomicLong clockBackwardsWaits = new AtomicLong();
    private final AtomicLong exhaustionWaits = new AtomicLong();
    private final AtomicLong borrowedTicks = new AtomicLong();
    private final AtomicLong maxBorrowAhead = new AtomicLong();
    /**
     * Estimate of {@code nanoTime - wallMillis * 1e6} at the moment the wall clock ticks, so a
     * wait parks until the predicted tick instead of a whole millisecond (which would waste half a
     * millisecond's capacity on average). Every observation is an upper bound of the true value.
     */
    private volatile long tickPhaseNanos = UNKNOWN;

    /**
     * The settings of a generator, validated by {@link Snowflake.Builder#build()}.
     *
     * @param layout the bit layout
     * @param epoch where timestamps count from
     * @param workerId the worker id (ignored when a lease is given)
     * @param lease the worker lease, or null for a static worker id
     * @param maxBorrowAhead how far ahead of the wall clock ids may go
     * @param clockBackwardsTimeout how long a call waits for a clock that is behind beyond the bound
     * @param randomSequenceStart whether each tick's sequence starts at a pseudo-random offset
     * @param minYearsLeft the build fails if the layout ends within this many years
     * @param clock the clock
     */
    record Settings(SnowflakeLayout layout, Instant epoch, long workerId, WorkerLease lease, Duration maxBorrowAhead,
            Duration clockBackwardsTimeout, boolean randomSequenceStart, int minYearsLeft, Clock clock) {
    }

    SnowflakeGenerator(Settings settings) {
        this.clock = settings.clock();
        this.layout = settings.layout();
        this.lease = settings.lease();
        this.epochMillis = settings.epoch().toEpochMilli();
        this.tickMillis = layout.tickMillis();
        this.sequenceBits = layout.sequenceBits();
        this.timestampShift = layout.workerIdBits() + sequenceBits;
        this.sequenceMask = layout.idsPerTick() - 1;
        this.workerId = settings.workerId();
        this.workerPart = workerId << sequenceBits;
        this.maxTick = layout.maxTick();
        this.maxAheadTicks = settings.maxBorrowAhead().toMillis() / tickMillis;
        this.backwardsTimeoutNanos = settings.clockBackwardsTimeout().toNanos();
        this.offsetMask = settings.randomSequenceStart() ? sequenceMask >>> 1 : 0;
        this.offsetSeed = ThreadLocalRandom.current().nextLong();
        long floorTick = lease == null || lease.floorMillis() < epochMillis ? -1
                : Math.floorDiv(lease.floorMillis() - epochMillis, tickMillis);
        // Everything up to and including the floor tick counts as issued: the next id opens a later tick.
        this.state = new AtomicLong(floorTick < 0 ? 0 : floorTick << sequenceBits | sequenceMask);
        if (lease != null) {
            lease.attach(this::issuedHorizonMillis);
        }
    }

    @Override
    public long nextId() {
        return compose(reserve(1));
    }

    @Override
    public void nextIds(long[] ids) {
        for (int filled = 0; filled < ids.length; ) {
            int want = ids.length - filled;
            long first = reserve(want);
            long granted = granted(first, want);
            for (int i = 0; i < granted; i++) {
                ids[filled++] = compose(first + i);
            }
        }
    }

    /**
     * Reserves up to {@code want} consecutive ids of one tick and returns the state of the first;
     * {@link #granted} says how many.
     */
    private long reserve(long want) {
        for (;;) {
            long current = state.get();
            long last = current >>> sequenceBits;
            long now = tickOf(clock.wallMillis());
            long first;
            if (now > last) {
                first = openTick(now);
            } else if ((current & sequenceMask) != sequenceMask && last - now <= maxAheadTicks) {
                first = current + 1; // same tick, or the clock is behind within the bound: max(wall, last)
            } else {
                first = catchUp(last, now);
                if (first < 0) {
                    continue;
                }
            }
            if (state.compareAndSet(current, first + granted(first, want) - 1)) {
                return first;
            }
        }
    }

    private long granted(long first, long want) {
        return Math.min(want, sequenceMask + 1 - (first & sequenceMask));
    }

    private long openTick(long tick) {
        if (tick > maxTick) {
            throw new ResilienceException(ErrorCode.IDS_EXHAUSTED, "layout " + layout + " with epoch "
                    + Instant.ofEpochMilli(epochMillis) + " ended at " + endsAt() + ": no timestamp bits left");
        }
        if (lease != null && !lease.isValid()) {
            throw new ResilienceException(ErrorCode.WORKER_LEASE_LOST, "worker id " + workerId
                    + " is no longer leased (" + lease + "): no ids are issued until a generator with a new lease is built");
        }
        return tick << sequenceBits | sequenceStart(tick);
    }

    /** A pseudo-random offset per tick (a SplitMix64 finaliser): cheap, allocation-free, evenly spread. */
    private long sequenceStart(long tick) {
        if (offsetMask == 0) {
            return 0;
        }
        long z = tick * 0x9E3779B97F4A7C15L + offsetSeed;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & offsetMask;
    }

    /**
     * The slow path: the tick's sequence is used up, or the clock is behind the last id by more
     * than the bound. Returns the first state of a borrowed tick, or -1 after waiting (retry).
     */
    private long catchUp(long last, long now) {
        if (last - now > maxAheadTicks) {
            clockBackwardsWaits.incrementAndGet();
            awaitTick(last - maxAheadTicks, now, true);
            return -1;
        }
        long next = last + 1;
        long ahead = next - now;
        if (ahead <= maxAheadTicks) {
            borrowedTicks.incrementAndGet();
            maxBorrowAhead.accumulateAndGet(ahead, Math::max);
            return openTick(next);
        }
        exhaustionWaits.incrementAndGet();
        awaitTick(next - maxAheadTicks, now, false);
        return -1;
    }

    /**
     * Parks (through the clock) until the wall clock reaches {@code target} ticks. A wait for the
     * clock to catch up ({@code backwards}) is bounded by the timeout; so is a wait for the next
     * tick from the moment the clock is seen below {@code from}, where the wait began.
     */
    private void awaitTick(long target, long from, boolean backwards) {
        long start = clock.nanoTime();
        long targetWall = epochMillis + target * tickMillis;
        for (int spins = 0; ; ) {
            long wall = clock.wallMillis();
            long nanos = clock.nanoTime();
            learnPhase(wall, nanos);
            long now = tickOf(wall);
            if (now >= target) {
                return;
            }
            if (!backwards && now < from) {
                backwards = true; // the clock stepped back while this call waited for the next tick
                start = nanos;
                clockBackwardsWaits.incrementAndGet();
            }
            long park = untilWall(targetWall, wall, nanos);
            if (backwards) {
                long left = backwardsTimeoutNanos - (nanos - start);
                if (left <= 0) {
                    throw new ResilienceException(ErrorCode.CLOCK_MOVED_BACKWARDS, "the clock reads "
                            + Instant.ofEpochMilli(wall) + ", " + (targetWall - wall) + " ms behind what worker "
                            + workerId + " may issue at (the last id minus the borrow bound), and did not catch up within "
                            + TimeUnit.NANOSECONDS.toMillis(backwardsTimeoutNanos) + " ms");
                }
                park = Math.min(park, left);
            }
            if (park <= SPIN_NANOS && spins++ < MAX_SPINS) {
                Thread.onSpinWait();
                continue;
            }
            // Wake a little early and re-read the clock for the last stretch: a park overshoots.
            park = Math.max(park - SPIN_NANOS, RECHECK_NANOS);
            try {
                clock.sleep(park);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while waiting for the clock", e);
            }
        }
    }

    private void learnPhase(long wall, long nanos) {
        long observed = nanos - wall * NANOS_PER_MILLI;
        long estimate = tickPhaseNanos;
        // Keep the smallest observation; one more than a millisecond above the estimate proves the
        // estimate stale (the wall clock was stepped), so start again from it.
        if (estimate == UNKNOWN || observed < estimate || observed - estimate > NANOS_PER_MILLI) {
            tickPhaseNanos = observed;
        }
    }

    /** How long to park for the wall clock to reach {@code targetWall}. */
    private long untilWall(long targetWall, long wall, long nanos) {
        long upperBound = (targetWall - wall) * NANOS_PER_MILLI;
        long estimate = tickPhaseNanos;
        if (estimate == UNKNOWN) {
            return upperBound;
        }
        long predicted = targetWall * NANOS_PER_MILLI + estimate - nanos;
        return Math.min(upperBound, predicted);
    }

    private long tickOf(long wallMillis) {
        long sinceEpoch = wallMillis - epochMillis;
        return tickMillis == 1 ? sinceEpoch : Math.floorDiv(sinceEpoch, tickMillis);
    }

    private long compose(long packed) {
        return (packed >>> sequenceBits) << timestampShift | workerPart | (packed & sequenceMask);
    }

    /** The latest millisecond an id may carry right now: the last id's, or the borrow bound ahead of the clock. */
    private long issuedHorizonMillis() {
        long lastIssued = epochMillis + (state.get() >>> sequenceBits) * tickMillis;
        return Math.max(lastIssued, clock.wallMillis() + maxAheadTicks * tickMillis);
    }

    @Override
    public Decoded decode(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("id must not be negative but was " + id);
        }
        return new Decoded(epochMillis + (id >>> timestampShift) * tickMillis,
                (id >>> sequenceBits) & layout.maxWorkerId(), id & sequenceMask);
    }

    @Override
    public SnowflakeLayout layout() {
        return layout;
    }

    @Override
    public long workerId() {
        return workerId;
    }

    @Override
    public Instant epoch() {
        return Instant.ofEpochMilli(epochMillis);
    }

    @Override
    public Metrics metrics() {
        long ahead = (state.get() >>> sequenceBits) - tickOf(clock.wallMillis());
        return new Metrics(clockBackwardsWaits.get(), exhaustionWaits.get(), borrowedTicks.get(),
                Math.max(0, ahead), maxBorrowAhead.get());
    }

    @Override
    public String toString() {
        return "Snowflake[worker " + workerId + ", " + layout + ", epoch " + epoch() + "]";
    }
}
