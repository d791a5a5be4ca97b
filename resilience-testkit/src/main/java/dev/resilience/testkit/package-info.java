/**
 * Test support shared by every module (not published): a real Redis for tests
 * ({@link dev.resilience.testkit.WithRedis}, {@link dev.resilience.testkit.TestRedis}), nodes to
 * break in fault tests ({@link dev.resilience.testkit.RedisNode}), a raw client to assert on server
 * state ({@link dev.resilience.testkit.RespClient}), and many-thread runs with an invariant checked
 * at the end ({@link dev.resilience.testkit.Concurrently}). Time in tests is a
 * {@link dev.resilience.api.ManualClock}.
 */
package dev.resilience.testkit;
