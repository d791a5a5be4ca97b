package dev.resilience.idgen;

/**
 * Database-style increasing ids handed out from ranges (segments) taken from a shared counter,
 * as in Meituan Leaf's segment mode: {@link #nextId()} counts through the range in memory, and the
 * next range is fetched in the background before this one runs out, so a call never waits on the
 * shared store in steady state. Ids strictly increase per allocator and are unique across all
 * allocators of the same counter; they are not time-ordered across allocators.
 *
 * <pre>{@code
 * try (SegmentAllocator orders = RedisSegmentAllocator.builder(redisClient, "order-id").build()) {
 *     long id = orders.nextId();
 * }
 * }</pre>
 *
 * @see RedisSegmentAllocator
 */
public interface SegmentAllocator extends AutoCloseable {

    /**
     * The next id: one atomic increment, no allocation, unless the range is used up.
     *
     * @throws dev.resilience.api.ResilienceException {@code REDIS_UNAVAILABLE} if the range is
     *         used up and the next one could not be fetched in time
     */
    long nextId();

    /** A snapshot of the allocator's ranges and waits. */
    Metrics metrics();

    /** Closes the connection to the shared counter; ids left in the range are abandoned (never reissued). */
    @Override
    void close();

    /**
     * What the allocator did so far.
     *
     * @param segmentsFetched ranges fetched from the shared counter
     * @param waits calls that had to wait for a range (zero in steady state)
     * @param failedFetches fetches that failed or timed out
     * @param step the size of the next range
     * @param remaining ids left in the current range
     */
    record Metrics(long segmentsFetched, long waits, long failedFetches, long step, long remaining) {
    }
}
