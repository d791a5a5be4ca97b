/**
 * Unique ids: {@link dev.resilience.idgen.Snowflake} 64-bit ids with static or
 * {@linkplain dev.resilience.idgen.RedisWorkerLease Redis-leased} worker ids, a Redis
 * {@linkplain dev.resilience.idgen.SegmentAllocator segment allocator} (Leaf segment mode), and RFC 9562
 * {@linkplain dev.resilience.idgen.UuidV7 UUIDv7}. The Redis parts need Lettuce on the class path
 * (an optional dependency); the rest does not.
 *
 * <pre>{@code
 * Snowflake ids = Snowflake.builder().workerId(7).build();
 * long id = ids.nextId();
 * }</pre>
 */
package dev.resilience.idgen;
