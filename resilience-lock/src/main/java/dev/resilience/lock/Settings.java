package dev.resilience.lock;

import dev.resilience.api.Backoff;
import dev.resilience.api.Clock;
import dev.resilience.api.Scheduler;

/**
 * The validated settings of a client, in nanoseconds.
 *
 * @param keyPrefix prefix of keys and channel
 * @param leaseNanos the lease time (the Redis TTL)
 * @param autoRenew whether the watchdog runs
 * @param renewNanos the watchdog's period
 * @param driftNanos subtracted from every local deadline
 * @param safety the safety level
 * @param replicas replicas that must acknowledge an acquire
 * @param replicationTimeoutNanos how long {@code WAIT} waits
 * @param commandTimeoutNanos how long one Redis command may take
 * @param pollBackoff the waiters' fallback poll
 * @param clock the clock
 * @param scheduler the watchdog's timer
 */
record Settings(String keyPrefix, long leaseNanos, boolean autoRenew, long renewNanos, long driftNanos,
        SafetyLevel safety, int replicas, long replicationTimeoutNanos, long commandTimeoutNanos,
        Backoff pollBackoff, Clock clock, Scheduler scheduler) {

    long leaseMillis() {
        return Math.max(1, leaseNanos / 1_000_000L);
    }

    String channel() {
        return keyPrefix + "released";
    }
}
