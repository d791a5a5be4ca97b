/**
 * Unique ids: {@link dev.resilience.idgen.Snowflake} 64-bit ids with static or leased worker ids, and
 * RFC 9562 {@linkplain dev.resilience.idgen.UuidV7 UUIDv7}.
 *
 * <pre>{@code
 * Snowflake ids = Snowflake.builder().workerId(7).build();
 * long id = ids.nextId();
 * }</pre>
 */
package dev.resilience.idgen;
