package dev.resilience.cache;

import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.EventListener;
import dev.resilience.api.EventPublisher;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.Scheduler;
import dev.resilience.api.Subscription;
import dev.resilience.redis.RedisScript;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Redis implementation of {@link TwoLevelCache}. The local level is a {@link LocalCache} of
 * versioned values whose "store" is Redis (and, behind it, the real store), so local single
 * flight, timeouts and race-free invalidation come from there.
 */
final class RedisTwoLevelCache<K, V> implements TwoLevelCache<K, V> {

    /** A new version: above the previous one and at least the server's time in µs. */
    private static final String NEXT_VERSION = "local t = redis.call('TIME') "
            + "local v = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, t[1] * 1000000 + t[2]) "
            + "local vs = string.format('%d', v) ";
    /**
     * KEYS data, version; ARGV channel, version TTL ms, wall millis, instance, sequence, key.
     * Publishes {@code version|wallMillis|instance|sequence|key}.
     */
    private static final RedisScript INVALIDATE = new RedisScript(ScriptOutputType.VALUE, NEXT_VERSION
            + "redis.call('SET', KEYS[2], vs, 'PX', ARGV[2]) "
            + "redis.call('DEL', KEYS[1]) "
            + "redis.call('PUBLISH', ARGV[1], vs .. '|' .. ARGV[3] .. '|' .. ARGV[4] .. '|' .. ARGV[5] .. '|' .. ARGV[6]) "
            + "return vs");
    /** Publishers remembered for gap detection; past this many (instances come and go), all are forgotten. */
    private static final int MAX_PUBLISHERS = 10_000;
    /*
     * The lease scripts take one (data, version, lease) key triple per cache key, so one round trip
     * serves one key or a getAll's every miss.
     */
    /**
     * KEYS triples; ARGV token, lease ms. Replies two items per key: {1, data}, {2, version} (lease
     * taken) or {3, ''} (another JVM holds it).
     */
    private static final RedisScript READ_OR_LEASE = new RedisScript(ScriptOutputType.MULTI,
            "local out = {} for i = 1, #KEYS, 3 do "
            + "local d = redis.call('GET', KEYS[i]) "
            + "if d then out[#out + 1] = '1' out[#out + 1] = d "
            + "elseif redis.call('SET', KEYS[i + 2], ARGV[1], 'NX', 'PX', ARGV[2]) then "
            + "out[#out + 1] = '2' out[#out + 1] = redis.call('GET', KEYS[i + 1]) or '0' "
            + "else out[#out + 1] = '3' out[#out + 1] = '' end end return out");
    /**
     * KEYS triples; ARGV token, then per key the version seen at lease time, payload, ttl ms.
     * Releases each lease; replies 1 per key filled, 0 per key whose version moved meanwhile.
     */
    private static final RedisScript FILL = new RedisScript(ScriptOutputType.MULTI,
            "local out = {} for i = 1, #KEYS, 3 do local a = i + 1 "
            + "if redis.call('GET', KEYS[i + 2]) == ARGV[1] then redis.call('DEL', KEYS[i + 2]) end "
            + "if (redis.call('GET', KEYS[i + 1]) or '0') ~= ARGV[a] then out[#out + 1] = 0 else "
            + "redis.call('SET', KEYS[i], ARGV[a] .. '|' .. ARGV[a + 1], 'PX', ARGV[a + 2]) out[#out + 1] = 1 end "
            + "end return out");
    /** KEYS triples; ARGV token. Releases the leases this token holds. */
    private static final RedisScript RELEASE = new RedisScript(ScriptOutputType.INTEGER,
            "local n = 0 for i = 3, #KEYS, 3 do if redis.call('GET', KEYS[i]) == ARGV[1] then "
            + "n = n + redis.call('DEL', KEYS[i]) end end return n");

    private final String name;
    private final String prefix;
    private final String channel;
    private final ValueCodec<K> keyCodec;
    private final ValueCodec<V> codec;
    private final CacheStore<K, V> store;
    private final Clock clock;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final RedisConnectionStateListener reconnects;
    private final LocalCache<K, Versioned<V>> local;
    private final EventPublisher<CoherenceEvent> events;
    private final boolean flushOnReconnect;
    private final long remoteTtlMillis;
    private final long absentTtlMillis;
    private final long versionTtlMillis;
    private final long leaseMillis;
    private final long leaseWaitNanos;
    private final long leasePollNanos;
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicBoolean subscribedOnce = new AtomicBoolean();
    /**
     * Puts this JVM's invalidations on the wire in the order of their sequence numbers: one
     * connection runs its commands in order, so every subscriber receives them in that order and
     * a skipped number is a lost message. Held only while a command is handed to the connection.
     */
    private final ReentrantLock publishing = new ReentrantLock();
    private long published;
    /** Per publishing JVM, the highest sequence number received (messages arrive on one thread). */
    private final Map<String, Long> lastReceived = new ConcurrentHashMap<>();

    private final LongAdder remoteHits = new LongAdder();
    private final LongAdder remoteMisses = new LongAdder();
    private final LongAdder storeLoads = new LongAdder();
    private final LongAdder leaseWaits = new LongAdder();
    private final LongAdder fillsRejected = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final LongAdder redisErrors = new LongAdder();
    private final AtomicLong maxLagMillis = new AtomicLong();

    RedisTwoLevelCache(TwoLevelCache.Builder<K, V> b) {
        this.name = b.name;
        this.prefix = b.keyPrefix + ":{" + b.name + ":";
        this.channel = b.keyPrefix + ":{" + b.name + "}:inv";
        this.keyCodec = b.keyCodec;
        this.codec = b.codec;
        this.store = b.store;
        this.clock = b.clock;
        this.client = b.redis;
        this.flushOnReconnect = b.flushOnReconnect;
        this.remoteTtlMillis = b.remoteTtl.toMillis();
        this.absentTtlMillis = b.absentTtl.toMillis();
        // Versions outlive the values they guard, so a fill cannot match a version that expired.
        this.versionTtlMillis = Math.max(b.remoteTtl.toMillis(), b.absentTtl.toMillis()) * 2 + b.leaseTime.toMillis();
        this.leaseMillis = b.leaseTime.toMillis();
        this.leaseWaitNanos = b.leaseWait.toNanos();
        this.leasePollNanos = b.leasePoll.toNanos();
        this.events = new EventPublisher<>("two-level cache " + b.name);
        Duration localAbsent = b.absentTtl.compareTo(b.localTtl) < 0 ? b.absentTtl : b.localTtl;
        // With a stale bound, a copy older than the local TTL is served while it reloads in the
        // background (which may wait for another JVM's lease), until the bound runs out too.
        boolean stale = !b.staleWhileLoading.isZero();
        CacheConfig localConfig = new CacheConfig(b.maximumSize, b.localTtl.plus(b.staleWhileLoading), localAbsent, 0,
                b.leaseTime.plus(b.leaseWait).plusSeconds(5), stale ? b.localTtl : Duration.ZERO, Duration.ZERO, 0,
                b.clock, Scheduler.shared(), LoadExecutor.shared(), () -> ThreadLocalRandom.current().nextLong());
        // Misses load in the caller's thread: a remote hit is then one round trip with no hand-off.
        this.local = new LocalCache<>(localConfig, new RemoteLevel(), null, null, true);
        this.connection = client.connect();
        this.redis = connection.sync();
        this.pubSub = client.connectPubSub();
        this.reconnects = new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (handler == pubSub) {
                    flush();
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                // Flushing happens when the subscription is confirmed again (see subscribed()).
            }
        };
        client.addListener(reconnects);
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String message) {
                onInvalidation(message);
            }

            @Override
            public void subscribed(String subscribedChannel, long count) {
                // Lettuce resubscribes after a reconnect; anything published in between is lost.
                if (!subscribedOnce.compareAndSet(false, true)) {
                    lastReceived.clear();   // flushed: gaps from before the reconnect no longer matter
                    flush();
                }
            }
        });
        pubSub.sync().subscribe(channel);
    }

    // ---- reads -------------------------------------------------------------------------------

    @Override
    public V get(K key) {
        Versioned<V> found = local.get(key);
        return found == null ? null : found.value;
    }

    @Override
    public Map<K, V> getAll(Collection<? extends K> keys) {
        Map<K, V> values = new LinkedHashMap<>();
        local.getAll(keys).forEach((key, versioned) -> values.put(key, versioned.value));
        return values;
    }

    @Override
    public V getIfPresent(K key) {
        Versioned<V> found = local.getIfPresent(key);
        return found == null ? null : found.value;
    }

    /** The local level's store: Redis, and the real store behind it under the lease. */
    private final class RemoteLevel implements CacheStore<K, Versioned<V>> {
        @Override
        public Versioned<V> load(K key) throws Exception {
            return fetch(List.of(key)).get(key);
        }

        /**
         * One {@code MGET} for every key; the keys Redis lacks then take their leases in one
         * round trip and are loaded in one {@code loadAll} and written back in one more.
         */
        @Override
        public Map<K, Versioned<V>> loadAll(Collection<? extends K> keys) throws Exception {
            List<K> ordered = new ArrayList<>(keys);
            String[] dataKeys = ordered.stream().map(key -> dataKey(keyCodec.encode(key))).toArray(String[]::new);
            List<KeyValue<String, String>> replies;
            try {
                replies = redis.mget(dataKeys);
            } catch (RedisException e) {
                redisErrors.increment();
                replies = List.of();
            }
            Map<K, Versioned<V>> found = new HashMap<>();
            List<K> missing = new ArrayList<>();
            for (int i = 0; i < ordered.size(); i++) {
                K key = ordered.get(i);
                if (i < replies.size() && replies.get(i).hasValue()) {
                    remoteHits.increment();
                    putIfPresent(found, key, decode(replies.get(i).getValue()));
                } else {
                    missing.add(key);
                }
            }
            if (!missing.isEmpty()) {
                found.putAll(fetch(missing));
            }
            return found;
        }
    }

    private static <K, T> void putIfPresent(Map<K, T> map, K key, T value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /**
     * Redis's copies of {@code keys} (the present ones: absent keys map to nothing), else loads
     * under their leases. A round trip reads the keys or takes their leases, the keys leased are
     * loaded in one store call and written back in one round trip, and the keys another JVM holds
     * the lease of are asked again together every lease poll: their values once in Redis, or this
     * JVM's load once their lease is free, or after the lease wait.
     */
    private Map<K, Versioned<V>> fetch(List<K> keys) throws Exception {
        Map<K, Versioned<V>> found = new HashMap<>();
        List<K> waiting = readOrLease(keys, found, true);
        for (K key : waiting) {
            leaseWaits.increment();
            publish(CoherenceEvent.Type.LEASE_WAIT, keyCodec.encode(key), 0, 0);
        }
        long deadline = clock.nanoTime() + leaseWaitNanos;
        while (!waiting.isEmpty() && clock.nanoTime() - deadline < 0) {
            clock.sleep(leasePollNanos);
            waiting = readOrLease(waiting, found, false);
        }
        if (!waiting.isEmpty()) {
            found.putAll(unversioned(loadFromStore(waiting)));   // the holders are too slow: load them ourselves
        }
        return found;
    }

    /**
     * One round of {@link #fetch}: puts into {@code found} what Redis has and what this JVM could
     * lease and load, and returns the keys another JVM is loading. With Redis down the store
     * answers them all. {@code first} counts remote hits and misses (a poll is not a new miss).
     */
    private List<K> readOrLease(List<K> keys, Map<K, Versioned<V>> found, boolean first) throws Exception {
        String token = instance + ":" + tokens.incrementAndGet();
        List<Object> reply;
        try {
            reply = READ_OR_LEASE.run(connection, triples(keys), token, Long.toString(leaseMillis));
        } catch (RedisException e) {
            redisErrors.increment();
            found.putAll(unversioned(loadFromStore(keys)));   // Redis down: the store still answers
            return List.of();
        }
        List<K> leased = new ArrayList<>();
        List<String> versions = new ArrayList<>();
        List<K> waiting = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            K key = keys.get(i);
            String kind = (String) reply.get(2 * i);
            String payload = (String) reply.get(2 * i + 1);
            if (first) {
                (kind.equals("1") ? remoteHits : remoteMisses).increment();
            }
            if (kind.equals("1")) {
                putIfPresent(found, key, decode(payload));
            } else if (kind.equals("2")) {
                leased.add(key);
                versions.add(payload);
            } else {
                waiting.add(key);
            }
        }
        if (!leased.isEmpty()) {
            found.putAll(loadAndFill(leased, versions, token));
        }
        return waiting;
    }

    /** Loads the keys this JVM holds the leases of and writes them back unless a change moved their version meanwhile. */
    private Map<K, Versioned<V>> loadAndFill(List<K> keys, List<String> versions, String token) throws Exception {
        String[] triples = triples(keys);
        Map<K, V> values;
        try {
            values = loadFromStore(keys);
        } catch (Exception | Error e) {
            RELEASE.run(connection, triples, token);
            throw e;
        }
        String[] args = new String[1 + 3 * keys.size()];
        args[0] = token;
        for (int i = 0; i < keys.size(); i++) {
            V value = values.get(keys.get(i));
            args[1 + 3 * i] = versions.get(i);
            args[2 + 3 * i] = value == null ? "A" : "V" + codec.encode(value);
            args[3 + 3 * i] = Long.toString(value == null ? absentTtlMillis : remoteTtlMillis);
        }
        List<Object> filled = FILL.run(connection, triples, args);
        Map<K, Versioned<V>> found = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            K key = keys.get(i);
            long version = Long.parseLong(versions.get(i));
            if (((Long) filled.get(i)) == 0) {
                // The key changed while we loaded: our value may predate the change, so Redis keeps
                // nothing, and the change's invalidation message drops it here if it got installed.
                fillsRejected.increment();
                publish(CoherenceEvent.Type.FILL_REJECTED, keyCodec.encode(key), version, 0);
            }
            putIfPresent(found, key, versioned(values.get(key), version));
        }
        return found;
    }

    /** The store's values of {@code keys}: one {@code load} for one key, else one {@code loadAll}. */
    private Map<K, V> loadFromStore(List<K> keys) throws Exception {
        storeLoads.add(keys.size());
        if (keys.size() == 1) {
            Map<K, V> one = new HashMap<>();
            putIfPresent(one, keys.get(0), store.load(keys.get(0)));
            return one;
        }
        return store.loadAll(keys);
    }

    /** Values read from the store without Redis: version 0, which any invalidation supersedes. */
    private Map<K, Versioned<V>> unversioned(Map<K, V> values) {
        Map<K, Versioned<V>> found = new HashMap<>();
        values.forEach((key, value) -> putIfPresent(found, key, versioned(value, 0)));
        return found;
    }

    /** The (data, version, lease) Redis keys of each key, in order. */
    private String[] triples(List<K> keys) {
        String[] triples = new String[3 * keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            String encoded = keyCodec.encode(keys.get(i));
            triples[3 * i] = dataKey(encoded);
            triples[3 * i + 1] = prefix + encoded + "}:v";
            triples[3 * i + 2] = prefix + encoded + "}:l";
        }
        return triples;
    }

    private Versioned<V> decode(String data) {
        int bar = data.indexOf('|');
        long version = Long.parseLong(data.substring(0, bar));
        return data.charAt(bar + 1) == 'A' ? null : new Versioned<>(codec.decode(data.substring(bar + 2)), version);
    }

    private static <V> Versioned<V> versioned(V value, long version) {
        return value == null ? null : new Versioned<>(value, version);
    }

    // ---- writes and invalidation -------------------------------------------------------------

    @Override
    public void put(K key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        try {
            store.write(key, value);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheWriteException("writing " + key + " to the store failed: " + e, e);
        }
        invalidate(key);
    }

    @Override
    public void invalidate(K key) {
        String encoded = keyCodec.encode(key);
        local.invalidate(key);   // read-your-writes here, before the message comes back
        String[] keys = {dataKey(encoded), prefix + encoded + "}:v"};
        CompletableFuture<String> sent;
        publishing.lock();
        try {
            sent = INVALIDATE.runAsync(connection, keys, channel, Long.toString(versionTtlMillis),
                    Long.toString(clock.wallMillis()), instance, Long.toString(++published), encoded);
        } finally {
            publishing.unlock();
        }
        try {
            sent.get(connection.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while invalidating " + encoded + " in " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            // A number taken but never published reads as a gap elsewhere: a needless flush, never a missed one.
            redisErrors.increment();
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "could not invalidate " + encoded + " in "
                    + name + "; other JVMs keep their copies for at most the local TTL", RedisScript.unwrap(e));
        }
    }

    private void onInvalidation(String message) {
        int[] bars = new int[4];
        for (int i = 0, from = 0; i < bars.length; i++) {
            bars[i] = message.indexOf('|', from);
            from = bars[i] + 1;
        }
        long version = Long.parseLong(message.substring(0, bars[0]));
        long lag = Math.max(0, clock.wallMillis() - Long.parseLong(message.substring(bars[0] + 1, bars[1])));
        String publisher = message.substring(bars[1] + 1, bars[2]);
        long sequence = Long.parseLong(message.substring(bars[2] + 1, bars[3]));
        String encoded = message.substring(bars[3] + 1);
        received.increment();
        maxLagMillis.accumulateAndGet(lag, Math::max);
        if (lastReceived.size() >= MAX_PUBLISHERS) {
            lastReceived.clear();
        }
        Long seen = lastReceived.get(publisher);
        lastReceived.put(publisher, seen == null ? sequence : Math.max(seen, sequence));
        if (seen != null && sequence > seen + 1) {
            flush();   // the publisher's messages between the two were lost
        }
        K key = keyCodec.decode(encoded);
        Versioned<V> current = local.getIfPresent(key);
        if (current != null && current.version >= version) {
            ignored.increment();
            publish(CoherenceEvent.Type.IGNORED_OLD_VERSION, encoded, version, lag);
            return;
        }
        local.invalidate(key);
        publish(CoherenceEvent.Type.INVALIDATED, encoded, version, lag);
    }

    /** Drops every local copy: messages may have been lost (a reconnect, or a gap in a publisher's numbers). */
    private void flush() {
        if (flushOnReconnect) {
            local.invalidateAll();
            flushes.increment();
            publish(CoherenceEvent.Type.FLUSHED, null, 0, 0);
        }
    }

    private void publish(CoherenceEvent.Type type, String key, long version, long lag) {
        if (events.hasListeners()) {
            events.publish(new CoherenceEvent(type, key, version, lag));
        }
    }

    private String dataKey(String encoded) {
        return prefix + encoded + "}:d";
    }

    // ---- the rest ----------------------------------------------------------------------------

    @Override
    public Subscription subscribe(EventListener<? super CoherenceEvent> listener) {
        return events.subscribe(listener);
    }

    @Override
    public TwoLevelMetrics metrics() {
        return new TwoLevelMetrics(remoteHits.sum(), remoteMisses.sum(), storeLoads.sum(), leaseWaits.sum(),
                fillsRejected.sum(), received.sum(), ignored.sum(), flushes.sum(), redisErrors.sum(), maxLagMillis.get());
    }

    @Override
    public void close() {
        client.removeListener(reconnects);
        pubSub.close();
        connection.close();
    }

    /** A value and the version of the key it was read at. */
    static final class Versioned<V> {
        final V value;
        final long version;

        Versioned(V value, long version) {
            this.value = value;
            this.version = version;
        }
    }
}
