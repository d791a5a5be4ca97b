package dev.resilience.cache;

/**
 * A snapshot of a cache's counters since it was built.
 *
 * <p>Hits are not counted: a hit is one Caffeine lookup and nothing else, and a shared counter
 * would cost more than the lookup. Count them in the application if needed; every other path
 * here is a miss path already doing work.
 *
 * <pre>{@code
 * CacheMetrics m = cache.metrics();
 * gauge("cache.loads", m.loads());
 * }</pre>
 *
 * @param loads loads started (single loads and keys of batch loads; joined loads count once)
 * @param loadFailures loads that failed or timed out
 * @param timeouts loads the callers stopped waiting for after the load timeout
 * @param absentsCached loads that found no value and cached the key as absent
 * @param filtered misses answered "absent" by the membership filter without calling the store
 * @param refreshes background reloads started by refresh-ahead or early refresh
 * @param staleServed reloads that failed and served the previous value instead
 * @param estimatedSize the approximate number of entries (values, absents and loads in flight)
 */
public record CacheMetrics(long loads, long loadFailures, long timeouts, long absentsCached, long filtered,
        long refreshes, long staleServed, long estimatedSize) {
}
