package dev.resilience.lock;

import dev.resilience.api.LockNotAcquiredException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One named lock of a {@link LockClient}. Cheap to get and thread-safe; keep it or get it again.
 *
 * <pre>{@code
 * DistributedLock lock = locks.lock("order:42");
 * Optional<LockLease> lease = lock.tryAcquire();              // one attempt, no waiting
 * try (LockLease held = lock.acquire(Duration.ofSeconds(2))) { // waits up to 2 s
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Reentrancy</b> is keyed by an owner id: by default the calling thread, or any value from
 * {@link #forOwner(Object)} (a request id that travels across threads). An owner that already
 * holds the lock gets another hold on the same acquisition at once; the lock is released when
 * every hold is closed. Re-entries are counted in the {@link LockClient} that granted them.
 */
public interface DistributedLock {

    /** The lock's name. */
    String name();

    /** A view of this lock whose acquisitions belong to {@code owner} instead of the calling thread. */
    DistributedLock forOwner(Object owner);

    /**
     * One attempt, without waiting.
     *
     * @return the lease, or empty if someone else holds the lock
     * @throws dev.resilience.api.ResilienceException with code {@code REDIS_UNAVAILABLE} if
     *         Redis did not answer within the command timeout
     */
    Optional<LockLease> tryAcquire();

    /**
     * One attempt without blocking the caller, for asynchronous and reactive code. The owner is
     * the one of this view ({@link #forOwner(Object)}), else the calling thread; the lease may
     * be closed from any thread.
     *
     * <pre>{@code
     * lock.forOwner(requestId).tryAcquireAsync().thenAccept(lease -> lease.ifPresent(held -> {
     *     try (held) { process(order, held.fencingToken()); }
     * }));
     * }</pre>
     *
     * @return completes with the lease, or empty if someone else holds the lock; fails with
     *         {@code REDIS_UNAVAILABLE} after the command timeout
     */
    CompletionStage<Optional<LockLease>> tryAcquireAsync();

    /**
     * Waits up to {@code wait} for the lock: woken when it is released, with a jittered poll as
     * a fallback.
     *
     * @return the lease, or empty if the lock stayed held for the whole wait
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    Optional<LockLease> tryAcquire(Duration wait) throws InterruptedException;

    /**
     * Waits up to {@code wait} for the lock.
     *
     * @throws LockNotAcquiredException ({@code LOCK_NOT_ACQUIRED}) with the time spent waiting
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    LockLease acquire(Duration wait) throws InterruptedException;

    /**
     * Waits as long as it takes.
     *
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    LockLease acquire() throws InterruptedException;
}
