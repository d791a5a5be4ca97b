/**
 * Redis plumbing shared by the Redis-backed modules (rate limits, caches, locks, ids): Lua
 * scripts sent by {@code EVALSHA} with a {@code NOSCRIPT} fallback. Lettuce is an optional
 * dependency, as it is of the modules that use this one.
 *
 * <pre>{@code
 * Long fence = ACQUIRE.run(connection, new String[] {"lock:{orders}", "lock:{orders}:fence"}, token, "30000");
 * }</pre>
 */
package dev.resilience.redis;
