package dev.resilience.api;

/**
 * Stable, machine-readable codes of {@link ResilienceException}s. Their names are a public
 * contract: log pipelines, metrics and HTTP mappings may match on them, so a code is never
 * renamed or reused for another meaning.
 *
 * <pre>{@code
 * catch (ResilienceException e) {
 *     if (e.code() == ErrorCode.RATE_LIMITED) { respond(429, e.retryAfter()); }
 * }
 * }</pre>
 */
public enum ErrorCode {
    /** A rate limiter refused the call; the call did not run. */
    RATE_LIMITED(true),
    /** A circuit breaker is open (or forced open) and refused the call; the call did not run. */
    CIRCUIT_OPEN(true),
    /** Every retry attempt failed, or the retry deadline passed. */
    RETRIES_EXHAUSTED(false),
    /** An operation did not finish within its configured timeout. */
    TIMEOUT(false),
    /** A lock was held by someone else for the whole wait. */
    LOCK_NOT_ACQUIRED(true),
    /** A held lock's lease was lost (expired, taken over, or unreachable for renewal). */
    LOCK_LOST(false),
    /** An optimistic compare-and-set lost to a concurrent update on every attempt. */
    OPTIMISTIC_LOCK_CONFLICT(false),
    /** An operation with this idempotency key is running elsewhere. */
    IDEMPOTENCY_IN_PROGRESS(true),
    /** A cache could not load a value from its store. */
    CACHE_LOAD_FAILED(false),
    /** A cache could not write a value (or a delete) to its store; the cache was left unchanged. */
    CACHE_WRITE_FAILED(false),
    /** A write-behind buffer is full and its overflow policy rejects the write. */
    WRITE_BUFFER_FULL(true),
    /** The clock moved backwards further than an id generator tolerates. */
    CLOCK_MOVED_BACKWARDS(false),
    /** A worker-id lease could not be renewed before its deadline; ids are no longer issued. */
    WORKER_LEASE_LOST(false),
    /** An id generator or allocator has no ids left (range used up, layout expired). */
    IDS_EXHAUSTED(false),
    /** Redis could not be reached, or did not answer within the configured timeout. */
    REDIS_UNAVAILABLE(false),
    /** The thread was interrupted while it waited. */
    INTERRUPTED(false);

    private final boolean rejection;

    ErrorCode(boolean rejection) {
        this.rejection = rejection;
    }

    /**
     * True if the code means a policy refused to start the call (so the protected operation did
     * not run and retrying it later is safe).
     */
    public boolean isRejection() {
        return rejection;
    }
}
