package dev.resilience.idgen;

import dev.resilience.api.Clock;
import dev.resilience.api.Scheduler;
import dev.resilience.api.internal.Checks;
import io.lettuce.core.RedisClient;
import java.time.Duration;

/**
 * Worker ids leased from Redis, so generators in containers that come and go get unique worker
 * ids with no configuration: {@link Builder#acquire()} claims a free slot with {@code SET NX PX}
 * (one Lua script scanning the slots from a random start), the library's timer renews it while
 * the lease is open, and {@link WorkerLease#close()} releases it.
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.create("redis://localhost:6379");
 * try (WorkerLease lease = RedisWorkerLease.builder(redis)
 *         .namespace("orders").slots(1024).ttl(Duration.ofSeconds(30)).acquire()) {
 *     Snowflake ids = Snowflake.builder().workerLease(lease).build();
 *     long id = ids.nextId();
 * }
 * }</pre>
 *
 * <p><b>No duplicates across holders.</b> When the generator attaches (before its first id) and
 * with each renewal, the lease stores beside the slot the highest timestamp its generator may
 * reach before the lease could lapse; on release, the highest it reached. A claimant prefers a
 * free slot whose stored timestamp is below its own clock. The next holder of the slot starts above that value
 * ({@link WorkerLease#floorMillis()}), even if its clock was set back.
 *
 * <p><b>Fail closed.</b> The lease is valid until the last successful renewal's send time plus
 * 90% of the TTL (on this process's monotonic clock, so before Redis can hand the slot to anyone
 * else). If renewals fail until then, or Redis reports the slot taken over, the generator stops
 * issuing ids with {@link dev.resilience.api.ErrorCode#WORKER_LEASE_LOST}.
 *
 * <p>Keys: {@code <prefix>:{<namespace>}:lease:<slot>} (the holder's token, with the TTL) and
 * {@code <prefix>:{<namespace>}:floor:<slot>} (no TTL). The hash tag keeps a namespace on one
 * Redis Cluster slot, so the claim script may address the slots it scans.
 */
public final class RedisWorkerLease {

    private RedisWorkerLease() {
    }

    /** A builder of leases on {@code client}; each lease opens its own connection and closes it on release. */
    public static Builder builder(RedisClient client) {
        return new Builder(Checks.notNull("client", client));
    }

    /**
     * The settings of a lease.
     *
     * @param client the Redis client
     * @param keyPrefix the key prefix
     * @param namespace the namespace (hash tag) whose slots are shared
     * @param slots the number of worker ids
     * @param ttl how long a lease lives in Redis without renewal
     * @param renewEvery how often it is renewed
     * @param commandTimeout how long one Redis call may take
     * @param clock the clock
     * @param scheduler the timer that renews
     */
    record Settings(RedisClient client, String keyPrefix, String namespace, long slots, Duration ttl,
            Duration renewEvery, Duration commandTimeout, Clock clock, Scheduler scheduler) {
    }

    /** Configures and acquires a lease. */
    public static final class Builder extends RedisBuilder<Builder> {
        private final RedisClient client;
        private String namespace = "default";
        private long slots = SnowflakeLayout.CLASSIC.maxWorkerId() + 1;
        private Duration ttl = Duration.ofSeconds(30);
        private Duration renewEvery;
        private Scheduler scheduler = Scheduler.shared();

        @Override
        Builder self() {
            return this;
        }

        Builder(RedisClient client) {
            this.client = client;
        }

        /** The generators that share worker ids (one Redis Cluster hash tag); default {@code default}. */
        public Builder namespace(String namespace) {
            this.namespace = RedisSupport.hashTagSafe("namespace", Checks.notBlank("namespace", namespace));
            return this;
        }

        /** How many worker ids there are: {@code layout.maxWorkerId() + 1}; default 1024 (the classic layout). */
        public Builder slots(long slots) {
            this.slots = Checks.inRange("slots", slots, 1, 1L << 31);
            return this;
        }

        /** How long a lease lives in Redis without renewal; default 30 s. */
        public Builder ttl(Duration ttl) {
            Checks.positive("ttl", ttl);
            if (ttl.toMillis() < 10) {
                throw new IllegalArgumentException("ttl must be at least 10 ms but was " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /** How often the lease is renewed; default a third of the TTL. Must be below 90% of the TTL. */
        public Builder renewEvery(Duration renewEvery) {
            this.renewEvery = Checks.positive("renewEvery", renewEvery);
            return this;
        }

        /** The timer that renews; default {@link Scheduler#shared()}. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Checks.notNull("scheduler", scheduler);
            return this;
        }

        /**
         * Claims a free worker id, waiting up to the command timeout for Redis.
         *
         * @throws IllegalArgumentException if the renewal interval does not fit in the TTL
         * @throws dev.resilience.api.ResilienceException {@code IDS_EXHAUSTED} if every slot is
         *         leased, {@code REDIS_UNAVAILABLE} if Redis does not answer
         */
        public WorkerLease acquire() {
            Duration every = renewEvery != null ? renewEvery : ttl.dividedBy(3);
            if (every.compareTo(ttl.multipliedBy(9).dividedBy(10)) >= 0) {
                throw new IllegalArgumentException("renewEvery must be below 90% of ttl " + ttl + " but was " + every);
            }
            return RedisLease.acquire(new Settings(client, keyPrefix, namespace, slots, ttl, every, commandTimeout,
                    clock, scheduler));
        }
    }
}
