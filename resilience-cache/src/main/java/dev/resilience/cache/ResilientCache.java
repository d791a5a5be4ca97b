package dev.resilience.cache;

import dev.resilience.api.Clock;
import dev.resilience.api.Scheduler;
import dev.resilience.api.ThrowingRunnable;
import dev.resilience.api.internal.Checks;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A local cache on Caffeine that loads without the classic failures: cache-aside reads through a
 * loader given per call, read-through reads through a {@link CacheStore}, and writes go through to
 * the store (or, from {@link Builder#buildWriteBehind(WriteBehindConfig)}, behind it).
 *
 * <pre>{@code
 * ResilientCache<Long, User> users = ResilientCache.<Long, User>builder()
 *         .maximumSize(100_000)
 *         .ttl(Duration.ofMinutes(5)).jitter(0.1)              // keys filled together expire apart
 *         .absentTtl(Duration.ofSeconds(30))                  // a missing id costs one store call per 30 s
 *         .loadTimeout(Duration.ofSeconds(2))
 *         .store(userStore)
 *         .build();
 * User u = users.get(42L);                                    // read-through, single-flight
 * users.put(42L, renamed);                                    // write-through: store first, then cache
 * }</pre>
 *
 * <h2>What each guarantee rests on</h2>
 * <ul>
 *   <li><b>Single flight.</b> A miss puts a load marker into the Caffeine map with
 *       {@code putIfAbsent} and runs the load on the {@linkplain CacheConfig#executor() executor}:
 *       every concurrent miss on the key finds the marker and waits for the same load, so a
 *       thousand misses cause one load. No load runs inside a map bin lock (the marker is placed
 *       in constant time), so a slow load never blocks another key.</li>
 *   <li><b>Invalidation cannot leave a stale value behind a concurrent load.</b> A finished load
 *       installs its value with {@code replace(key, itsOwnMarker, value)}, an atomic
 *       compare-and-set on the marker's identity. {@link #invalidate}, {@link #put} and
 *       {@link #remove} replace or remove the marker, so a load that started before them (and
 *       may have read the old row) finds its marker gone and installs nothing. The marker acts as
 *       a per-key version that every invalidation bumps. Callers already waiting for that load
 *       still receive its value: they asked before the invalidation.</li>
 *   <li><b>Penetration.</b> A load returning {@code null} caches the key as absent for
 *       {@linkplain CacheConfig#absentTtl() its own TTL}; the optional membership filter answers
 *       "absent" without calling the store at all.</li>
 *   <li><b>Avalanche.</b> Each TTL is jittered by ±{@linkplain CacheConfig#jitter() x}; with
 *       {@linkplain CacheConfig#earlyRefreshBeta() early refresh} a hit near expiry reloads in the
 *       background with the XFetch probability {@code now - Δ·β·ln(U) ≥ expiry}, Δ being the
 *       last load's duration.</li>
 * </ul>
 *
 * <p>A hit is one Caffeine lookup and a type check (the map holds the value itself) and reads
 * the clock once, in Caffeine's expiry check. With jitter, refresh-ahead, early refresh or stale
 * serving each entry has its own deadline, which the hit checks on the clock itself; Caffeine
 * then reads a coarse ticker (no clock read) and only frees expired entries, within two seconds of
 * the longest any entry may live.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ResilientCache<K, V> {

    /** A builder with the defaults: 10 000 entries, 10 minutes TTL, 1 minute absent TTL, no jitter. */
    static <K, V> Builder<K, V> builder() {
        return new Builder<>();
    }

    /**
     * Read-through: the cached value, or the store's, loaded once however many threads miss.
     *
     * @return the value, or {@code null} if the store has none (that answer is cached too)
     * @throws CacheLoadException if the load failed or timed out
     * @throws IllegalStateException if the cache was built without a store
     */
    V get(K key);

    /**
     * Cache-aside: the cached value, or {@code loader}'s, with the same single-flight, timeout and
     * absent caching as {@link #get(Object)}.
     *
     * @throws CacheLoadException if the load failed or timed out
     */
    V get(K key, CacheLoader<? super K, ? extends V> loader);

    /**
     * The values of many keys: hits are served, keys already loading are joined, and only the
     * true misses go to the store in one {@link CacheStore#loadAll} call.
     *
     * @return the keys that have a value (absent keys are left out)
     * @throws CacheLoadException if a load failed or timed out
     * @throws IllegalStateException if the cache was built without a store
     */
    Map<K, V> getAll(Collection<? extends K> keys);

    /** The cached value, without loading; {@code null} on a miss or a cached absence. */
    V getIfPresent(K key);

    /**
     * Writes {@code value}: write-through to the store first, then into the cache; if the store
     * throws, the cache is unchanged and the exception reaches the caller (wrapped unchecked in a
     * {@link CacheWriteException} if it was checked). Concurrent writes to one key are serialized
     * so the cache ends with what the store ended with. Without a store, only the cache is set.
     * A write-behind cache buffers the write instead.
     */
    void put(K key, V value);

    /** Deletes {@code key} from the store, then caches it as absent; on failure the cache is unchanged. */
    void remove(K key);

    /**
     * Drops the cached value of {@code key}; a load in flight for it will not install its value.
     * Cheap and local: the store is not touched.
     */
    void invalidate(K key);

    /** Drops every cached value; loads in flight will not install theirs. */
    void invalidateAll();

    /**
     * The cache-aside write: runs {@code storeWrite} (the application's own update of the system
     * of record), then invalidates {@code key} whether it succeeded or not, so the next read loads
     * the committed state. A load that read the old row before the write cannot install it (see
     * the class comment).
     *
     * <pre>{@code
     * users.invalidateAfter(42L, () -> userDao.rename(42L, "Ada"));
     * }</pre>
     *
     * @throws X whatever {@code storeWrite} throws
     */
    <X extends Throwable> void invalidateAfter(K key, ThrowingRunnable<X> storeWrite) throws X;

    /** The counters since the cache was built. */
    CacheMetrics metrics();

    /** The settings the cache was built with. */
    CacheConfig config();

    /**
     * Builds a {@link ResilientCache}. Every setter validates at {@link #build()}: an
     * {@link IllegalArgumentException} names the parameter and the rejected value.
     *
     * <pre>{@code
     * ResilientCache<String, Price> prices = ResilientCache.<String, Price>builder()
     *         .ttl(Duration.ofSeconds(30)).refreshAhead(Duration.ofSeconds(20))
     *         .staleOnError(Duration.ofMinutes(2))
     *         .store(priceService).build();
     * }</pre>
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    final class Builder<K, V> {
        private long maximumSize = 10_000;
        private Duration ttl = Duration.ofMinutes(10);
        private Duration absentTtl = Duration.ofMinutes(1);
        private double jitter;
        private Duration loadTimeout = Duration.ofSeconds(10);
        private Duration refreshAhead = Duration.ZERO;
        private Duration staleOnError = Duration.ZERO;
        private double earlyRefreshBeta;
        private Clock clock = Clock.system();
        private Scheduler scheduler = Scheduler.shared();
        private Executor executor = LoadExecutor.shared();
        private RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();
        private CacheStore<K, V> store;
        private Predicate<? super K> membership;

        Builder() {
        }

        /** The most entries kept; Caffeine evicts beyond it. */
        public Builder<K, V> maximumSize(long maximumSize) {
            this.maximumSize = maximumSize;
            return this;
        }

        /** How long a loaded or written value stays fresh. */
        public Builder<K, V> ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /** How long a key the store does not have is remembered as absent; usually shorter than the TTL. */
        public Builder<K, V> absentTtl(Duration absentTtl) {
            this.absentTtl = absentTtl;
            return this;
        }

        /** Spreads each TTL uniformly over {@code ttl × (1 ± fraction)}; {@code fraction} in {@code [0, 1)}. */
        public Builder<K, V> jitter(double fraction) {
            this.jitter = fraction;
            return this;
        }

        /** How long a caller waits for one load before a {@code TIMEOUT} {@link CacheLoadException}. */
        public Builder<K, V> loadTimeout(Duration loadTimeout) {
            this.loadTimeout = loadTimeout;
            return this;
        }

        /** A hit on a value older than this reloads it in the background and serves the old value meanwhile. */
        public Builder<K, V> refreshAhead(Duration age) {
            this.refreshAhead = age;
            return this;
        }

        /** When a reload fails, serve the previous value for up to this long past its TTL. */
        public Builder<K, V> staleOnError(Duration bound) {
            this.staleOnError = bound;
            return this;
        }

        /** Turns on XFetch early refresh with this beta (1.0 is typical; larger refreshes earlier). */
        public Builder<K, V> earlyRefresh(double beta) {
            this.earlyRefreshBeta = beta;
            return this;
        }

        /** The source of time (a {@code ManualClock} in tests); also drives Caffeine's expiry. */
        public Builder<K, V> clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The timer of load timeouts ({@code ManualClock.scheduler()} in tests). */
        public Builder<K, V> scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Where loads run; by default a shared pool of daemon threads that grows with demand. */
        public Builder<K, V> executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * The source of jitter and early-refresh draws: thread-safe, unless the test that seeds it
         * for repeatable draws confines the cache to one thread. By default, each thread's own generator.
         */
        public Builder<K, V> random(RandomGenerator random) {
            this.random = random;
            return this;
        }

        /** The system of record: enables read-through {@link #get(Object)}, {@link #getAll} and write-through. */
        public Builder<K, V> store(CacheStore<K, V> store) {
            this.store = Checks.notNull("store", store);
            return this;
        }

        /**
         * A membership filter (typically a Bloom filter's {@code mightContain}) asked before the
         * store: a key it rejects is answered absent without a store call. False positives only
         * cost a store call; it must never reject a key that exists.
         */
        public Builder<K, V> membership(Predicate<? super K> mightContain) {
            this.membership = Checks.notNull("membership", mightContain);
            return this;
        }

        /** The validated settings. */
        public CacheConfig config() {
            return new CacheConfig(maximumSize, ttl, absentTtl, jitter, loadTimeout, refreshAhead, staleOnError,
                    earlyRefreshBeta, clock, scheduler, executor, random);
        }

        /** A cache whose writes go through to the store (or only into the cache, without one). */
        public ResilientCache<K, V> build() {
            return new LocalCache<>(config(), store, membership, null);
        }

        /**
         * A cache whose writes are acknowledged once buffered and written to the store in the
         * background; see {@link WriteBehindCache}.
         *
         * @throws IllegalArgumentException if no store was set
         */
        public WriteBehindCache<K, V> buildWriteBehind(WriteBehindConfig writeBehind) {
            Checks.notNull("store", store);
            Checks.notNull("writeBehind", writeBehind);
            return WriteBehindBuffer.create(config(), store, membership, writeBehind);
        }

        /**
         * A write-behind cache whose writes are acknowledged once appended to a Redis Stream, so a
         * crash loses none of them; see {@link DurableJournal}. Needs Lettuce on the class path.
         *
         * <pre>{@code
         * WriteBehindCache<Long, Order> orders = ResilientCache.<Long, Order>builder().store(orderStore)
         *         .buildDurableWriteBehind(WriteBehindConfig.builder().batchSize(200).build(),
         *                 DurableJournal.of(redisClient, "orders", longCodec, orderCodec));
         * }</pre>
         *
         * <p>Guarantees beyond {@link WriteBehindCache}'s: an acknowledged write survives the
         * JVM (kill -9 included) and is written by whichever instance of the consumer group gets
         * it, or takes it over after {@link DurableJournal#claimIdle()}; each entry carries a
         * per-key version and only a key's latest version is written, so a replay never
         * overwrites a newer value. Written entries are deleted from the journal. {@code close}
         * leaves what it could not write in the journal rather than dead-lettering it. The
         * capacity bounds the journal's entries (every write is one) and the overflow policy
         * applies, except {@link OverflowPolicy#WRITE_THROUGH}: an older journaled write of the
         * key could reach the store after the written-through one.
         *
         * @throws IllegalArgumentException if no store was set, or the overflow policy is
         *         {@code WRITE_THROUGH}
         */
        public WriteBehindCache<K, V> buildDurableWriteBehind(WriteBehindConfig writeBehind, DurableJournal<K, V> journal) {
            Checks.notNull("store", store);
            Checks.notNull("writeBehind", writeBehind);
            Checks.notNull("journal", journal);
            if (writeBehind.overflow() == OverflowPolicy.WRITE_THROUGH) {
                throw new IllegalArgumentException("overflow must be BLOCK or REJECT for a durable write-behind cache, not "
                        + writeBehind.overflow() + ": a journaled older write of a key could reach the store after the written-through one");
            }
            return DurableWriteBehind.create(config(), store, membership, writeBehind, journal);
        }
    }
}
