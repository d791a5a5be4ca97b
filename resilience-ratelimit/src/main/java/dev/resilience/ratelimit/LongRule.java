package dev.resilience.ratelimit;

/**
 * An algorithm whose whole state fits in one {@code long}, as pure functions of (state, now), so
 * one implementation serves the in-JVM limiter (an {@code AtomicLong}, one CAS per decision), the
 * multi-limit limiter and the keyed limiter (one {@code long} per key).
 */
interface LongRule {

    /** The state of a new limiter holding {@code initialPermits}. */
    long initial(long now, long initialPermits);

    /** Nanoseconds until {@code permits} can be taken from {@code state}: 0 if now. */
    long waitNanos(long state, int permits, long now);

    /** The state after taking {@code permits}; only called when {@link #waitNanos} allowed it. */
    long take(long state, int permits, long now);

    /** True if the permits can be reserved ahead (taken now, used after the wait). */
    boolean reserves();

    /** Permits that could be taken now. */
    long available(long state, long now);

    /** The state with every permit taken (reservations already made are kept). */
    long drained(long state, long now);

    /** Nanoseconds until the state is neutral: indistinguishable from a new, full limiter. */
    long nanosToNeutral(long state, long now);

    /** The most permits one call may ask for; more is a caller error. */
    long maxPermitsPerCall();

    /**
     * The state under this rule that carries over what {@code old} held in {@code state}: the
     * available permits stay available, up to this rule's capacity.
     */
    long convert(LongRule old, long state, long now);

    /** Throws the caller's error for a request that can never be granted. */
    default void checkPermits(int permits) {
        Limiters.checkPermits(permits, maxPermitsPerCall(), "the capacity");
    }
}
