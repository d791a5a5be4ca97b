/**
 * Cache patterns on Caffeine, without the classic failures.
 *
 * <ul>
 *   <li>{@link dev.resilience.cache.ResilientCache}: cache-aside and read-through with single-flight
 *       loads, load timeouts, race-free invalidation, absent caching, a membership filter, TTL
 *       jitter, refresh-ahead, XFetch early refresh and stale-on-error; write-through writes;</li>
 *   <li>{@link dev.resilience.cache.WriteBehindCache}: writes acknowledged once buffered (or, in
 *       durable mode, journaled in a Redis Stream) and written in coalesced batches, with retries,
 *       overflow policies and dead letters;</li>
 *   <li>{@link dev.resilience.cache.TwoLevelCache}: Caffeine in each JVM in front of Redis, kept
 *       coherent by versioned invalidations, with a cluster-wide load lease;</li>
 *   <li>{@link dev.resilience.cache.CacheStore}: the system of record behind them all.</li>
 * </ul>
 *
 * <p>Redis features need Lettuce on the class path (an optional dependency).
 */
package dev.resilience.cache;
