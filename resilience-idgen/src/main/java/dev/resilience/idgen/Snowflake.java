package dev.resilience.idgen;

import dev.resilience.api.Clock;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A generator of unique, time-ordered 64-bit ids (Twitter's Snowflake scheme): a timestamp, a
 * worker id and a per-tick sequence, laid out by a {@link SnowflakeLayout}. Ids from one
 * generator strictly increase; generators with distinct worker ids never collide.
 *
 * <pre>{@code
 * Snowflake ids = Snowflake.builder()
 *         .layout(SnowflakeLayout.CLASSIC)
 *         .epoch(Instant.parse("2024-01-01T00:00:00Z"))
 *         .workerId(7)                                  // or .workerLease(lease) from Redis
 *         .maxBorrowAhead(Duration.ofMillis(5))
 *         .build();
 * long id = ids.nextId();
 * Snowflake.Decoded parts = ids.decode(id);             // timestamp, worker id, sequence
 * }</pre>
 *
 * <p>{@link #nextId()} is lock-free (one compare-and-set on one {@code AtomicLong}) and allocates
 * nothing. When a tick's sequence is used up, the call borrows the next tick if that stays within
 * {@link Builder#maxBorrowAhead(Duration)} of the wall clock, and otherwise parks until just
 * before the wall clock reaches it (re-reading the clock for the last 60 µs, as a park overshoots). If the wall clock moves backwards, ids continue from the last issued
 * timestamp ({@code max(wall, last)}) while that is within the same bound; beyond it the call
 * waits up to {@link Builder#clockBackwardsTimeout(Duration)} and then fails with
 * {@link dev.resilience.api.ErrorCode#CLOCK_MOVED_BACKWARDS}.
 */
public interface Snowflake {

    /**
     * The next id, greater than every id this generator issued before.
     *
     * @throws dev.resilience.api.ResilienceException {@code CLOCK_MOVED_BACKWARDS} if the clock is
     *         behind the last id beyond the borrow bound for longer than the timeout;
     *         {@code WORKER_LEASE_LOST} if the worker lease lapsed; {@code IDS_EXHAUSTED} after the
     *         layout's end; {@code INTERRUPTED} if interrupted while waiting
     */
    long nextId();

    /**
     * Fills {@code ids} with increasing ids, reserving as many as a tick allows with each
     * compare-and-set.
     *
     * @throws dev.resilience.api.ResilienceException as {@link #nextId()}
     */
    void nextIds(long[] ids);

    /** {@code n} increasing ids in a new array; see {@link #nextIds(long[])}. */
    default long[] nextIds(int n) {
        long[] ids = new long[Checks.nonNegative("n", n)];
        nextIds(ids);
        return ids;
    }

    /** Splits an id of this generator's layout and epoch into its parts. */
    Decoded decode(long id);

    /** The layout. */
    SnowflakeLayout layout();

    /** This generator's worker id. */
    long workerId();

    /** The epoch the timestamps count from. */
    Instant epoch();

    /** The instant the layout runs out of timestamp bits. */
    default Instant endsAt() {
        return epoch().plus(layout().lifetime());
    }

    /** A snapshot of the waits and borrowing so far. */
    Metrics metrics();

    /** A builder with the classic layout, the default epoch and no worker id chosen yet. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * The parts of an id.
     *
     * @param timestampMillis the start of the id's tick, in milliseconds since the Unix epoch
     * @param workerId the worker id
     * @param sequence the sequence within the tick
     */
    record Decoded(long timestampMillis, long workerId, long sequence) {
        /** The timestamp as an instant. */
        public Instant timestamp() {
            return Instant.ofEpochMilli(timestampMillis);
        }
    }

    /**
     * What the generator had to do beyond the fast path.
     *
     * @param clockBackwardsWaits calls that waited because the clock was behind the last id beyond the bound
     * @param exhaustionWaits calls that waited for the next tick because a tick's sequence was used up
     * @param borrowedTicks ticks opened ahead of the wall clock
     * @param borrowAheadTicks how far the last issued tick is ahead of the wall clock now (0 if not ahead)
     * @param maxBorrowAheadTicks the furthest ahead the generator has been
     */
    record Metrics(long clockBackwardsWaits, long exhaustionWaits, long borrowedTicks, long borrowAheadTicks,
            long maxBorrowAheadTicks) {
    }

    /** Builds a {@link Snowflake}; every setter validates its argument, {@link #build()} the whole. */
    final class Builder {
        /** 2024-01-01T00:00:00Z: with the classic layout, ids last until 2093. */
        public static final Instant DEFAULT_EPOCH = Instant.parse("2024-01-01T00:00:00Z");

        private SnowflakeLayout layout = SnowflakeLayout.CLASSIC;
        private Instant epoch = DEFAULT_EPOCH;
        private long workerId = -1;
        private WorkerLease lease;
        private Duration maxBorrowAhead = Duration.ZERO;
        private Duration clockBackwardsTimeout = Duration.ofSeconds(1);
        private boolean randomSequenceStart;
        private int minYearsLeft = 10;
        private Clock clock = Clock.system();

        Builder() {
        }

        /** The bit layout; default {@link SnowflakeLayout#CLASSIC}. */
        public Builder layout(SnowflakeLayout layout) {
            this.layout = Checks.notNull("layout", layout);
            return this;
        }

        /** Where timestamps count from; default {@link #DEFAULT_EPOCH}. Must not be in the future. */
        public Builder epoch(Instant epoch) {
            this.epoch = Checks.notNull("epoch", epoch);
            return this;
        }

        /** A static worker id, unique among the generators that share ids; {@code 0..layout.maxWorkerId()}. */
        public Builder workerId(long workerId) {
            this.workerId = Checks.nonNegative("workerId", workerId);
            this.lease = null;
            return this;
        }

        /**
         * The worker id from configuration: the system property {@code name}, else the
         * environment variable {@code name}.
         *
         * @throws IllegalArgumentException if neither is set or the value is not a non-negative number
         */
        public Builder workerIdFrom(String name) {
            Checks.notBlank("name", name);
            String value = System.getProperty(name);
            if (value == null) {
                value = System.getenv(name);
            }
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("worker id variable " + name
                        + " must be set as a system property or environment variable but is not");
            }
            try {
                return workerId(Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("worker id variable " + name + " must be a number but was \""
                        + value + "\"", e);
            }
        }

        /** A leased worker id; the generator fails closed once the lease is lost. */
        public Builder workerLease(WorkerLease lease) {
            this.lease = Checks.notNull("lease", lease);
            return this;
        }

        /**
         * How far ahead of the wall clock ids may go: when a tick's sequence is used up, or when the
         * clock moved backwards. Default zero: wait for the clock instead.
         */
        public Builder maxBorrowAhead(Duration maxBorrowAhead) {
            this.maxBorrowAhead = Checks.nonNegative("maxBorrowAhead", maxBorrowAhead);
            return this;
        }

        /**
         * How long a call waits when the clock is behind the last id by more than the borrow bound,
         * before failing with {@code CLOCK_MOVED_BACKWARDS}; zero fails at once. Default 1 s.
         */
        public Builder clockBackwardsTimeout(Duration timeout) {
            this.clockBackwardsTimeout = Checks.nonNegative("clockBackwardsTimeout", timeout);
            return this;
        }

        /**
         * Starts each tick's sequence at a pseudo-random offset in the lower half of its range, so
         * {@code id % n} spreads evenly at low traffic (otherwise most ids end in sequence 0).
         * Costs up to half a tick's capacity. Default off.
         */
        public Builder randomSequenceStart(boolean enabled) {
            this.randomSequenceStart = enabled;
            return this;
        }

        /** {@link #build()} fails if the layout ends within this many years of now; default 10. */
        public Builder minYearsLeft(int years) {
            this.minYearsLeft = Checks.nonNegative("minYearsLeft", years);
            return this;
        }

        /** The clock; default {@link Clock#system()}. */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the setting at fault
         */
        public Snowflake build() {
            if (lease != null && lease.workerIdCount() - 1 > layout.maxWorkerId()) {
                throw new IllegalArgumentException("lease chooses among " + lease.workerIdCount() + " worker ids, more than "
                        + (layout.maxWorkerId() + 1) + " that " + layout + " holds: lease with slots(" + (layout.maxWorkerId() + 1)
                        + ")");
            }
            long id = lease != null ? lease.workerId() : workerId;
            if (id < 0) {
                throw new IllegalArgumentException("workerId must be set (workerId, workerIdFrom or workerLease)");
            }
            if (id > layout.maxWorkerId()) {
                throw new IllegalArgumentException("workerId must be between 0 and " + layout.maxWorkerId()
                        + " for " + layout + " but was " + id);
            }
            Instant now = Instant.ofEpochMilli(clock.wallMillis());
            if (epoch.isAfter(now)) {
                throw new IllegalArgumentException("epoch must not be in the future but was " + epoch);
            }
            Instant end = epoch.plus(layout.lifetime());
            Instant horizon = now.plus(Math.round(minYearsLeft * 365.2425), ChronoUnit.DAYS);
            if (end.isBefore(horizon)) {
                throw new IllegalArgumentException("layout " + layout + " with epoch " + epoch + " ends at " + end
                        + ", within minYearsLeft=" + minYearsLeft + " years of now: choose a later epoch or more"
                        + " timestampBits");
            }
            return new SnowflakeGenerator(new SnowflakeGenerator.Settings(layout, epoch, id, lease, maxBorrowAhead,
                    clockBackwardsTimeout, randomSequenceStart, minYearsLeft, clock));
        }
    }
}
