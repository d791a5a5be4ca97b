/**
 * Unique ids: {@link dev.resilience.idgen.Snowflake} 64-bit ids with static or leased worker ids.
 *
 * <pre>{@code
 * Snowflake ids = Snowflake.builder().workerId(7).build();
 * long id = ids.nextId();
 * }</pre>
 */
package dev.resilience.idgen;
