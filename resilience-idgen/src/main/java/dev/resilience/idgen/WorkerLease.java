package dev.resilience.idgen;

import java.util.function.LongSupplier;

/**
 * A worker id held for a while, as a {@link Snowflake} generator sees it: the id, the timestamp
 * the generator must stay above, and whether the lease still holds. A generator built on a lease
 * stops issuing ids (fails closed with {@link dev.resilience.api.ErrorCode#WORKER_LEASE_LOST})
 * once {@link #isValid()} turns false, so two live generators never share a worker id.
 *
 * <pre>{@code
 * try (WorkerLease lease = RedisWorkerLease.builder(redisClient).namespace("orders").acquire()) {
 *     Snowflake ids = Snowflake.builder().workerLease(lease).build();
 *     long id = ids.nextId();
 * }
 * }</pre>
 *
 * <p>The generator checks the lease when it opens a tick, so it may finish the tick it is in
 * after the lease lapses; the recorded floor covers that tick.
 *
 * @see RedisWorkerLease
 */
public interface WorkerLease extends AutoCloseable {

    /** The leased worker id. */
    long workerId();

    /**
     * How many worker ids the lease chose from ({@code 0..workerIdCount()-1}); a generator
     * rejects a lease whose ids do not all fit its layout.
     */
    long workerIdCount();

    /**
     * The wall-clock millisecond at or below which ids with this worker id may already have been
     * issued (by an earlier holder of the slot), or {@link Long#MIN_VALUE} if none were. A
     * generator issues only above it, even if the clock was set back across a restart.
     */
    long floorMillis();

    /** True while the lease is held and renewed in time; cheap enough to call once per tick. */
    boolean isValid();

    /**
     * Called once by the generator built on this lease with the latest wall-clock millisecond
     * its ids may carry at the moment of the call (its last id's, or the borrow bound ahead of
     * the clock). The lease records it with each renewal (plus the time the lease could still
     * run) and on release, so the next holder of the slot starts above it.
     */
    void attach(LongSupplier issuedHorizonMillis);

    /** Releases the worker id (recording the last issued timestamp); the lease is invalid afterwards. */
    @Override
    void close();
}
