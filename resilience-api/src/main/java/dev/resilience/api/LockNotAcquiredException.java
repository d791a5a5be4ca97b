package dev.resilience.api;

import java.time.Duration;

/**
 * A lock stayed held by someone else for the whole wait ({@link ErrorCode#LOCK_NOT_ACQUIRED}).
 *
 * <pre>{@code
 * try (LockLease lease = lock.acquire(Duration.ofSeconds(2))) {
 *     ...
 * } catch (LockNotAcquiredException e) {
 *     log.info("{} busy after {}", e.source(), e.waited());
 * }
 * }</pre>
 */
public class LockNotAcquiredException extends RejectedException {

    private static final long serialVersionUID = 1L;

    private final Duration waited;

    /**
     * @param key the lock's key
     * @param waited how long the caller waited before giving up
     * @param retryAfterNanos the holder's remaining lease if known, else negative
     */
    public LockNotAcquiredException(String key, Duration waited, long retryAfterNanos) {
        super(ErrorCode.LOCK_NOT_ACQUIRED, key, retryAfterNanos, true);
        this.waited = waited;
    }

    /** How long the caller waited before giving up. */
    public Duration waited() {
        return waited;
    }

    @Override
    protected String describe() {
        return "lock not acquired after " + waited + ":";
    }
}
