package dev.resilience.lock;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A held lock: close it to release, in try-with-resources.
 *
 * <p>The lease belongs to whoever holds this object, not to a thread: it may be closed from
 * another thread, an executor or a continuation. Its validity is measured on the local monotonic
 * clock from the moment the acquire was <em>sent</em>, minus a drift margin, so the lease turns
 * invalid here before the server-side expiry can free the lock for someone else. The renewal
 * watchdog (when enabled) moves that deadline forward; if it finds the lock lost, or cannot reach
 * Redis before the deadline, the lease turns invalid and the {@linkplain #onLost(Consumer)
 * callbacks} run.
 *
 * <pre>{@code
 * try (LockLease lease = lock.acquire(Duration.ofSeconds(2))) {
 *     lease.onLost(l -> abortWork());
 *     store.write(order, lease.fencingToken());   // the store rejects tokens older than its last
 * }
 * }</pre>
 *
 * <p>No lock can stop a paused process from acting after its lease ran out; pass
 * {@link #fencingToken()} to the storage and let it reject stale writes (see {@link FencedStore}).
 */
public interface LockLease extends AutoCloseable {

    /** The lock's name. */
    String name();

    /**
     * The fencing token of this acquisition: strictly greater than the token of every earlier
     * acquisition of the same lock (re-entries of one owner share one token).
     */
    long fencingToken();

    /** True while the lease is held: not released, not lost, and its local deadline not passed. */
    boolean isValid();

    /** Time left before the local deadline (zero once invalid). */
    Duration remaining();

    /** {@link #remaining()} in nanoseconds, allocation-free. */
    long remainingNanos();

    /**
     * Throws {@code ResilienceException} with code {@code LOCK_LOST} unless the lease is
     * {@linkplain #isValid() valid}. Call it before an irreversible step.
     */
    void checkValid();

    /** How many times the owner holds this lock right now (re-entries included). */
    int holdCount();

    /**
     * Runs {@code callback} once if the lease is lost (expired, taken over, or unreachable for
     * renewal before its deadline); at once if it already is. Not run after a normal release.
     * Callbacks run on the library's timer thread: keep them short.
     *
     * @return this lease
     */
    LockLease onLost(Consumer<? super LockLease> callback);

    /**
     * Gives up this hold. When the owner's hold count returns to zero the lock is released with a
     * compare-and-delete: only this acquisition's token can delete it, so a release after the
     * lease was lost (or a repeated release) changes nothing. Closing a lease twice is harmless;
     * if Redis could not be reached, closing again retries.
     *
     * @throws dev.resilience.api.ResilienceException with code {@code REDIS_UNAVAILABLE} if
     *         the release could not be delivered (the lock then frees itself by expiry)
     */
    @Override
    void close();
}
