package dev.resilience.cache;

import dev.resilience.api.Clock;
import dev.resilience.api.EventSource;
import dev.resilience.api.internal.Checks;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * Caffeine in each JVM in front of a shared Redis, in front of the {@link CacheStore}, with the
 * local copies kept coherent across JVMs.
 *
 * <pre>{@code
 * TwoLevelCache<Long, User> users = TwoLevelCache.builder(redisClient, "users", longCodec, userCodec)
 *         .store(userStore)
 *         .localTtl(Duration.ofSeconds(30)).remoteTtl(Duration.ofMinutes(10))
 *         .build();
 * User u = users.get(42L);          // local hit, else one Redis round trip, else one load fleet-wide
 * users.put(42L, renamed);          // store, then every JVM's copy and Redis's are dropped
 * users.close();
 * }</pre>
 *
 * <h2>How it stays coherent</h2>
 * <ul>
 *   <li><b>Versions.</b> Every change of a key (put, invalidate) runs one Lua script that takes a
 *       new version for the key ({@code max(previous + 1, server time in µs)}, so versions keep
 *       growing even after the version key expires), changes Redis and publishes
 *       {@code version|wallMillis|instance|sequence|key} on the cache's channel, atomically.</li>
 *   <li><b>Invalidation.</b> A JVM receiving the message drops its local copy unless the copy is
 *       at least as new as the message (a late or reordered message cannot drop newer data). A
 *       local fetch from Redis still in flight is cancelled by the drop (see
 *       {@link ResilientCache}), so a value read before the change is never installed after it.</li>
 *   <li><b>Reconnects.</b> Redis pub/sub delivers at most once: messages published while the
 *       subscriber is disconnected are lost, and a subscriber too slow to keep up is disconnected
 *       by the server. So every (re)subscription after the first, and every disconnect, flushes
 *       all local copies (unless {@link Builder#flushOnReconnect(boolean)} is off).</li>
 *   <li><b>Gaps.</b> Each JVM numbers its invalidations and sends them in that order on one
 *       connection, so they arrive in order; a receiver that sees a JVM's number skip flushes
 *       too. (A JVM's first message received sets its baseline: a loss just before it is caught
 *       only by the reconnect rule.)</li>
 *   <li><b>Maximum staleness.</b> While subscribed, a local copy is stale for at most the
 *       message's delivery time ({@link TwoLevelMetrics#maxInvalidationLagMillis()} measures it);
 *       a message can only be lost with a disconnect, which flushes; the local TTL bounds
 *       everything else.</li>
 *   <li><b>Cluster-wide single flight.</b> A key missing in Redis is loaded under a lease
 *       ({@code SET NX PX}, taken in the same script as the read): the other JVMs wait for the
 *       value to appear, up to the lease wait, then load themselves; with
 *       {@link Builder#staleWhileLoading(Duration)} a JVM holding an expired copy serves it
 *       meanwhile, within that bound. The loader writes the value
 *       back only if the key's version is still the one it saw when it took the lease, so a load
 *       that raced a put cannot overwrite it in Redis.</li>
 * </ul>
 *
 * <p>Keys in Redis are {@code prefix:{name:key}:d} (data), {@code :v} (version) and {@code :l}
 * (lease), hash-tagged per key so each script touches one cluster slot; the channel is
 * {@code prefix:{name}:inv}. Encoded keys must not contain braces.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface TwoLevelCache<K, V> extends EventSource<CoherenceEvent>, AutoCloseable {

    /**
     * A builder for the cache {@code name} on {@code redis} with string keys; the application owns
     * the client and shuts it down after {@link #close()}.
     */
    static <V> Builder<String, V> builder(RedisClient redis, String name, ValueCodec<V> codec) {
        return new Builder<>(redis, name, ValueCodec.string(), codec);
    }

    /**
     * A builder for keys of any type: {@code keyCodec} turns a key into the string used in Redis
     * keys and invalidation messages (no braces), and back.
     */
    static <K, V> Builder<K, V> builder(RedisClient redis, String name, ValueCodec<K> keyCodec, ValueCodec<V> codec) {
        return new Builder<>(redis, name, keyCodec, codec);
    }

    /**
     * The value: the local copy, else Redis's, else the store's, loaded once across the fleet.
     *
     * @return the value, or {@code null} if the store has none (cached as absent)
     * @throws CacheLoadException if the load failed or timed out
     */
    V get(K key);

    /**
     * The values of many keys: local hits, then one {@code MGET} for the rest; the keys Redis lacks
     * then take their load leases in one round trip, are loaded in one {@link CacheStore#loadAll}
     * and written back in one more (keys another JVM is loading are waited for, as in {@link #get}).
     */
    Map<K, V> getAll(Collection<? extends K> keys);

    /** The local copy only, without any remote call. */
    V getIfPresent(K key);

    /**
     * Writes {@code value} to the store, then drops the key from Redis and from every JVM (one
     * script), so the next read anywhere loads the committed value. Dropping rather than setting
     * the shared copy means two JVMs writing one key at once cannot leave Redis holding the write
     * the store did not keep.
     *
     * @throws CacheWriteException if the store threw a checked exception; nothing else changed
     * @throws dev.resilience.api.ResilienceException {@code REDIS_UNAVAILABLE} if the store was
     *         written but the invalidation could not be sent
     */
    void put(K key, V value);

    /** Drops the key from Redis and from every JVM's local cache. */
    void invalidate(K key);

    /** The counters since the cache was built. */
    TwoLevelMetrics metrics();

    /** Unsubscribes and closes this cache's Redis connections (not the client). */
    @Override
    void close();

    /**
     * Builds a {@link TwoLevelCache}; {@link #build()} validates and connects.
     *
     * <pre>{@code
     * TwoLevelCache.builder(client, "prices", ValueCodec.string())
     *         .store(priceStore).keyPrefix("shop").leaseTime(Duration.ofSeconds(2)).build();
     * }</pre>
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    final class Builder<K, V> {
        final RedisClient redis;
        final String name;
        final ValueCodec<K> keyCodec;
        final ValueCodec<V> codec;
        String keyPrefix = "rc";
        CacheStore<K, V> store;
        long maximumSize = 10_000;
        Duration localTtl = Duration.ofSeconds(30);
        Duration remoteTtl = Duration.ofMinutes(10);
        Duration absentTtl = Duration.ofSeconds(30);
        Duration leaseTime = Duration.ofSeconds(5);
        Duration leaseWait = Duration.ofSeconds(5);
        Duration leasePoll = Duration.ofMillis(10);
        Duration staleWhileLoading = Duration.ZERO;
        boolean flushOnReconnect = true;
        Clock clock = Clock.system();

        Builder(RedisClient redis, String name, ValueCodec<K> keyCodec, ValueCodec<V> codec) {
            this.redis = Checks.notNull("redis", redis);
            this.name = Checks.notBlank("name", name);
            this.keyCodec = Checks.notNull("keyCodec", keyCodec);
            this.codec = Checks.notNull("codec", codec);
        }

        /** The prefix of every Redis key of this cache. */
        public Builder<K, V> keyPrefix(String keyPrefix) {
            this.keyPrefix = Checks.notBlank("keyPrefix", keyPrefix);
            return this;
        }

        /** The system of record behind Redis. */
        public Builder<K, V> store(CacheStore<K, V> store) {
            this.store = Checks.notNull("store", store);
            return this;
        }

        /** The most local entries. */
        public Builder<K, V> maximumSize(long maximumSize) {
            this.maximumSize = maximumSize;
            return this;
        }

        /** How long a local copy lives at most: the staleness bound if every invalidation were lost. */
        public Builder<K, V> localTtl(Duration localTtl) {
            this.localTtl = localTtl;
            return this;
        }

        /** How long a value lives in Redis. */
        public Builder<K, V> remoteTtl(Duration remoteTtl) {
            this.remoteTtl = remoteTtl;
            return this;
        }

        /** How long "no such key" is remembered, locally and in Redis. */
        public Builder<K, V> absentTtl(Duration absentTtl) {
            this.absentTtl = absentTtl;
            return this;
        }

        /** How long a JVM may hold the load lease of a key. */
        public Builder<K, V> leaseTime(Duration leaseTime) {
            this.leaseTime = leaseTime;
            return this;
        }

        /** How long other JVMs wait for the lease holder's value before loading themselves. */
        public Builder<K, V> leaseWait(Duration leaseWait) {
            this.leaseWait = leaseWait;
            return this;
        }

        /** How often a waiting JVM looks for the value. */
        public Builder<K, V> leasePoll(Duration leasePoll) {
            this.leasePoll = leasePoll;
            return this;
        }

        /**
         * Serve a local copy older than the local TTL for up to {@code bound} more, while it is
         * reloaded in the background (waiting, if need be, for the JVM holding the load lease);
         * zero (the default) makes callers wait for the reload. Hits then read the clock, and
         * the staleness bound if invalidations were lost becomes {@code localTtl + bound}.
         */
        public Builder<K, V> staleWhileLoading(Duration bound) {
            this.staleWhileLoading = Checks.nonNegative("staleWhileLoading", bound);
            return this;
        }

        /** Whether a reconnect of the invalidation channel flushes every local copy (default true). */
        public Builder<K, V> flushOnReconnect(boolean flush) {
            this.flushOnReconnect = flush;
            return this;
        }

        /** The source of time for local expiry and lease waits. */
        public Builder<K, V> clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /**
         * Connects (one command connection, one subscription) and returns the cache.
         *
         * @throws IllegalArgumentException if a setting is invalid or no store was set
         */
        public TwoLevelCache<K, V> build() {
            Checks.notNull("store", store);
            Checks.positive("maximumSize", maximumSize);
            Checks.positive("localTtl", localTtl);
            Checks.positive("remoteTtl", remoteTtl);
            Checks.positive("absentTtl", absentTtl);
            Checks.positive("leaseTime", leaseTime);
            Checks.positive("leaseWait", leaseWait);
            Checks.positive("leasePoll", leasePoll);
            return new RedisTwoLevelCache<>(this);
        }
    }
}
