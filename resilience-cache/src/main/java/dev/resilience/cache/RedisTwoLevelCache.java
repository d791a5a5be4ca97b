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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

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
    /** KEYS data, version; ARGV channel, version TTL ms, wall millis, key. */
    private static final RedisScript INVALIDATE = new RedisScript(ScriptOutputType.VALUE, NEXT_VERSION
            + "redis.call('SET', KEYS[2], vs, 'PX', ARGV[2]) "
            + "redis.call('DEL', KEYS[1]) "
            + "redis.call('PUBLISH', ARGV[1], vs .. '|' .. ARGV[3] .. '|' .. ARGV[4]) "
            + "return vs");
    /** KEYS data, version, lease; ARGV token, lease ms. Replies {1, data}, {2, version} (lease taken) or {3, ''}. */
    private static final RedisScript READ_OR_LEASE = new RedisScript(ScriptOutputType.MULTI,
            "local d = redis.call('GET', KEYS[1]) if d then return {'1', d} end "
            + "if redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[2]) then "
            + "return {'2', redis.call('GET', KEYS[2]) or '0'} end "
            + "return {'3', ''}");
    /** KEYS data, version, lease; ARGV version seen at lease time, payload, ttl ms, token. 1 if filled. */
    private static final RedisScript FILL = new RedisScript(ScriptOutputType.INTEGER,
            "if redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end "
            + "if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end "
            + "redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3]) return 1");
    /** KEYS lease; ARGV token. */
    private static final RedisScript RELEASE = new RedisScript(ScriptOutputType.INTEGER,
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");

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
            return fetch(key);
        }

        /** One {@code MGET} for every key; the ones Redis lacks are fetched one by one under their leases. */
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
            for (int i = 0; i < ordered.size(); i++) {
                K key = ordered.get(i);
                if (i < replies.size() && replies.get(i).hasValue()) {
                    remoteHits.increment();
                    putIfPresent(found, key, decode(replies.get(i).getValue()));
                } else {
                    putIfPresent(found, key, fetch(key));
                }
            }
            return found;
        }
    }

    private static <K, T> void putIfPresent(Map<K, T> map, K key, T value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** Redis's copy, else a load under the lease (or after waiting for another JVM's). */
    private Versioned<V> fetch(K key) throws Exception {
        String encoded = keyCodec.encode(key);
        String[] keys = {dataKey(encoded), prefix + encoded + "}:v", prefix + encoded + "}:l"};
        String token = instance + ":" + tokens.incrementAndGet();
        long deadline = clock.nanoTime() + leaseWaitNanos;
        boolean waited = false;
        for (;;) {
            List<Object> reply;
            try {
                reply = READ_OR_LEASE.run(connection, keys, token, Long.toString(leaseMillis));
            } catch (RedisException e) {
                redisErrors.increment();
                return versioned(loadFromStore(key), 0);   // Redis down: the store still answers
            }
            String kind = (String) reply.get(0);
            if (kind.equals("1")) {
                remoteHits.increment();
                return decode((String) reply.get(1));
            }
            if (!waited) {
                remoteMisses.increment();
            }
            if (kind.equals("2")) {
                return loadAndFill(key, keys, (String) reply.get(1), token);
            }
            if (!waited) {
                waited = true;
                leaseWaits.increment();
                publish(CoherenceEvent.Type.LEASE_WAIT, encoded, 0, 0);
            }
            if (clock.nanoTime() - deadline >= 0) {
                return versioned(loadFromStore(key), 0);   // the holder is too slow: load it ourselves
            }
            clock.sleep(leasePollNanos);
        }
    }

    private Versioned<V> loadAndFill(K key, String[] keys, String version, String token) throws Exception {
        V value;
        try {
            value = loadFromStore(key);
        } catch (Exception | Error e) {
            RELEASE.run(connection, new String[] {keys[2]}, token);
            throw e;
        }
        String payload = value == null ? "A" : "V" + codec.encode(value);
        long ttl = value == null ? absentTtlMillis : remoteTtlMillis;
        Long filled = FILL.run(connection, keys, version, payload, Long.toString(ttl), token);
        if (filled == 0) {
            // The key changed while we loaded: our value may predate the change, so Redis keeps
            // nothing, and the change's invalidation message drops it here if it got installed.
            fillsRejected.increment();
            publish(CoherenceEvent.Type.FILL_REJECTED, keyCodec.encode(key), Long.parseLong(version), 0);
        }
        return versioned(value, Long.parseLong(version));
    }

    private V loadFromStore(K key) throws Exception {
        storeLoads.increment();
        return store.load(key);
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
        try {
            INVALIDATE.run(connection, new String[] {dataKey(encoded), prefix + encoded + "}:v"},
                    channel, Long.toString(versionTtlMillis), Long.toString(clock.wallMillis()), encoded);
        } catch (RedisException e) {
            redisErrors.increment();
            throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE, "could not invalidate " + encoded + " in "
                    + name + "; other JVMs keep their copies for at most the local TTL", e);
        }
    }

    private void onInvalidation(String message) {
        int first = message.indexOf('|');
        int second = message.indexOf('|', first + 1);
        long version = Long.parseLong(message.substring(0, first));
        long lag = Math.max(0, clock.wallMillis() - Long.parseLong(message.substring(first + 1, second)));
        String encoded = message.substring(second + 1);
        received.increment();
        maxLagMillis.accumulateAndGet(lag, Math::max);
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
