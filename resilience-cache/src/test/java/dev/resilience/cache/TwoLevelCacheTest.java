package dev.resilience.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resilience.api.ManualClock;
import dev.resilience.testkit.TestRedis;
import dev.resilience.testkit.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@WithRedis
class TwoLevelCacheTest {

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final MapStore store = new MapStore();
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** One "JVM": its own Redis client and its own cache over the shared store and Redis. */
    private TwoLevelCache<String, String> node(TestRedis redis, String cacheName, String clientName,
            CacheStore<String, String> backing) {
        RedisURI uri = RedisURI.create(redis.uri());
        uri.setClientName(clientName);
        RedisClient client = RedisClient.create(uri);
        TwoLevelCache<String, String> cache = TwoLevelCache.builder(client, cacheName, ValueCodec.string())
                .store(backing).leasePoll(Duration.ofMillis(5)).build();
        resources.add(client::shutdown);
        resources.add(cache);
        return cache;
    }

    private TwoLevelCache<String, String> staleServingNode(TestRedis redis, String cacheName, ManualClock clock) {
        RedisClient client = RedisClient.create(redis.uri());
        TwoLevelCache<String, String> cache = TwoLevelCache.builder(client, cacheName, ValueCodec.string())
                .store(store).clock(clock).localTtl(Duration.ofSeconds(10)).staleWhileLoading(Duration.ofSeconds(60))
                .leasePoll(Duration.ofMillis(5)).leaseWait(Duration.ofSeconds(1)).build();
        resources.add(client::shutdown);
        resources.add(cache);
        return cache;
    }

    private static String uniqueName() {
        return "c" + NAMES.incrementAndGet();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private static CountDownLatch on(TwoLevelCache<?, ?> cache, CoherenceEvent.Type type, int count) {
        CountDownLatch latch = new CountDownLatch(count);
        cache.subscribe(event -> {
            if (event.type() == type) {
                latch.countDown();
            }
        });
        return latch;
    }

    @Test
    void aWriteInOneJvmDropsTheCopyInTheOther(TestRedis redis) throws Exception {
        String name = uniqueName();
        TwoLevelCache<String, String> a = node(redis, name, "a", store);
        TwoLevelCache<String, String> b = node(redis, name, "b", store);
        store.rows.put("k", "v1");

        assertThat(a.get("k")).isEqualTo("v1");
        assertThat(b.get("k")).isEqualTo("v1");
        assertThat(store.loads).hasValue(1);   // b found a's value in Redis
        assertThat(b.metrics().remoteHits()).isEqualTo(1);

        CountDownLatch dropped = on(b, CoherenceEvent.Type.INVALIDATED, 1);
        a.put("k", "v2");
        assertThat(dropped.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(store.rows).containsEntry("k", "v2");
        assertThat(a.getIfPresent("k")).isNull();
        assertThat(b.getIfPresent("k")).isNull();
        assertThat(b.get("k")).isEqualTo("v2");
        assertThat(a.get("k")).isEqualTo("v2");
        assertThat(b.metrics().invalidationsReceived()).isEqualTo(1);
        assertThat(b.metrics().maxInvalidationLagMillis()).isBetween(0L, 5_000L);
    }

    @Test
    void anOlderInvalidationCannotDropANewerCopy(TestRedis redis) throws Exception {
        String name = uniqueName();
        TwoLevelCache<String, String> a = node(redis, name, "a", store);
        TwoLevelCache<String, String> b = node(redis, name, "b", store);
        store.rows.put("k", "v1");
        CountDownLatch firstInvalidation = on(b, CoherenceEvent.Type.INVALIDATED, 1);
        a.invalidate("k");   // gives the key a version
        assertThat(firstInvalidation.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.get("k")).isEqualTo("v1");
        long version = Long.parseLong((String) redis.command("GET", "rc:{" + name + ":k}:v"));

        CountDownLatch ignored = on(b, CoherenceEvent.Type.IGNORED_OLD_VERSION, 2);
        publishInvalidation(redis, name, version - 1, "jvm-y", 1, "k");
        publishInvalidation(redis, name, version, "jvm-y", 2, "k");
        assertThat(ignored.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.getIfPresent("k")).isEqualTo("v1");

        CountDownLatch dropped = on(b, CoherenceEvent.Type.INVALIDATED, 1);
        publishInvalidation(redis, name, version + 1, "jvm-y", 3, "k");
        assertThat(dropped.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.getIfPresent("k")).isNull();
        assertThat(b.metrics().invalidationsIgnored()).isEqualTo(2);
    }

    @Test
    void aReconnectOfTheInvalidationChannelFlushesLocalCopies(TestRedis redis) throws Exception {
        String name = uniqueName();
        TwoLevelCache<String, String> a = node(redis, name, "a-" + name, store);
        TwoLevelCache<String, String> b = node(redis, name, "b-" + name, store);
        store.rows.put("k", "v1");
        assertThat(b.get("k")).isEqualTo("v1");

        CountDownLatch flushed = on(b, CoherenceEvent.Type.FLUSHED, 2);   // on disconnect and on resubscribe
        String clients = (String) redis.command("CLIENT", "LIST", "TYPE", "pubsub");
        Matcher id = Pattern.compile("id=(\\d+) .*name=b-" + name + " ").matcher(clients);
        assertThat(id.find()).as(clients).isTrue();
        redis.command("CLIENT", "KILL", "ID", id.group(1));
        assertThat(flushed.await(20, TimeUnit.SECONDS)).isTrue();

        assertThat(b.getIfPresent("k")).isNull();
        assertThat(b.metrics().flushes()).isGreaterThanOrEqualTo(2);

        // and invalidations flow again after the resubscription
        assertThat(b.get("k")).isEqualTo("v1");
        CountDownLatch dropped = on(b, CoherenceEvent.Type.INVALIDATED, 1);
        a.put("k", "v2");
        assertThat(dropped.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.get("k")).isEqualTo("v2");
    }

    @Test
    void aGapInAJvmsNumberedInvalidationsFlushesLocalCopies(TestRedis redis) throws Exception {
        String name = uniqueName();
        TwoLevelCache<String, String> a = node(redis, name, "a", store);
        TwoLevelCache<String, String> b = node(redis, name, "b", store);
        store.rows.putAll(Map.of("k", "v1", "x", "x0"));
        assertThat(b.get("k")).isEqualTo("v1");

        // A's invalidations arrive in order: no gap, no flush.
        CountDownLatch both = on(b, CoherenceEvent.Type.INVALIDATED, 2);
        a.put("x", "x1");
        a.put("x", "x2");
        assertThat(both.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.metrics().flushes()).isZero();
        assertThat(b.getIfPresent("k")).isEqualTo("v1");

        // Another JVM's message 2 never arrives: its message 3 shows the gap.
        CountDownLatch first = on(b, CoherenceEvent.Type.INVALIDATED, 1);
        publishInvalidation(redis, name, 1, "jvm-x", 1, "other");
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.getIfPresent("k")).isEqualTo("v1");
        CountDownLatch flushed = on(b, CoherenceEvent.Type.FLUSHED, 1);
        publishInvalidation(redis, name, 2, "jvm-x", 3, "other");
        assertThat(flushed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.getIfPresent("k")).isNull();
        assertThat(b.metrics().flushes()).isEqualTo(1);
    }

    @Test
    void aKeyMissedOnTwoJvmsAtOnceIsLoadedOnce(TestRedis redis) throws Exception {
        String name = uniqueName();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch otherWaits = new CountDownLatch(1);
        AtomicInteger loads = new AtomicInteger();
        CacheStore<String, String> slow = key -> {
            loads.incrementAndGet();
            loading.countDown();
            otherWaits.await(10, TimeUnit.SECONDS);   // hold the lease until the other JVM waits on it
            return "v-" + key;
        };
        TwoLevelCache<String, String> a = node(redis, name, "a", slow);
        TwoLevelCache<String, String> b = node(redis, name, "b", slow);
        b.subscribe(event -> {
            if (event.type() == CoherenceEvent.Type.LEASE_WAIT) {
                otherWaits.countDown();
            }
        });

        CompletableFuture<String> onA = CompletableFuture.supplyAsync(() -> a.get("k"));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> onB = CompletableFuture.supplyAsync(() -> b.get("k"));

        assertThat(onA.get(10, TimeUnit.SECONDS)).isEqualTo("v-k");
        assertThat(onB.get(10, TimeUnit.SECONDS)).isEqualTo("v-k");
        assertThat(loads).hasValue(1);
        assertThat(b.metrics().leaseWaits()).isEqualTo(1);
        assertThat(b.metrics().storeLoads()).isZero();
        assertThat(a.metrics().storeLoads()).isEqualTo(1);
    }

    @Test
    void aLoadThatRacedAChangeIsNotWrittenToRedis(TestRedis redis) throws Exception {
        String name = uniqueName();
        store.rows.put("k", "old");
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        CacheStore<String, String> slow = key -> {
            String value = store.rows.get(key);
            read.countDown();
            proceed.await(10, TimeUnit.SECONDS);
            return value;
        };
        TwoLevelCache<String, String> a = node(redis, name, "a", slow);
        TwoLevelCache<String, String> b = node(redis, name, "b", store);

        CompletableFuture<String> onA = CompletableFuture.supplyAsync(() -> a.get("k"));
        assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch aDropped = on(a, CoherenceEvent.Type.INVALIDATED, 1);
        b.put("k", "new");
        assertThat(aDropped.await(10, TimeUnit.SECONDS)).isTrue();
        proceed.countDown();

        assertThat(onA.get(10, TimeUnit.SECONDS)).isEqualTo("old");   // asked before the write
        assertThat(a.metrics().fillsRejected()).isEqualTo(1);
        assertThat(redis.command("EXISTS", "rc:{" + name + ":k}:d")).isEqualTo(0L);
        assertThat(a.getIfPresent("k")).isNull();
        assertThat(b.get("k")).isEqualTo("new");
    }

    @Test
    void getAllAsksRedisOnceForEveryLocalMissAndCachesAbsence(TestRedis redis) throws Exception {
        String name = uniqueName();
        TwoLevelCache<String, String> a = node(redis, name, "a", store);
        TwoLevelCache<String, String> b = node(redis, name, "b", store);
        store.rows.putAll(Map.of("k1", "v1", "k2", "v2", "k3", "v3"));
        a.get("k1");
        a.get("k2");
        assertThat(a.get("nope")).isNull();
        long mgets = mgetCalls(redis);

        assertThat(b.getAll(List.of("k1", "k2", "k3", "nope"))).containsOnly(Map.entry("k1", "v1"),
                Map.entry("k2", "v2"), Map.entry("k3", "v3"));

        assertThat(mgetCalls(redis) - mgets).isEqualTo(1);
        assertThat(b.metrics().remoteHits()).isEqualTo(3);   // k1, k2 and the absence of "nope"
        assertThat(b.metrics().storeLoads()).isEqualTo(1);   // k3 only
        assertThat(store.loads).hasValue(4);
    }

    @Test
    void getAllLoadsWhatRedisLacksInOneLoadAllUnderLeasesAndWritesItBack(TestRedis redis) throws Exception {
        String name = uniqueName();
        TwoLevelCache<String, String> a = node(redis, name, "a", store);
        TwoLevelCache<String, String> b = node(redis, name, "b", store);
        store.rows.putAll(Map.of("k1", "v1", "k2", "v2", "k3", "v3"));
        List<String> keys = List.of("k1", "k2", "k3", "nope");
        long scripts = calls(redis, "evalsha") + calls(redis, "eval");

        assertThat(a.getAll(keys)).containsOnly(Map.entry("k1", "v1"), Map.entry("k2", "v2"), Map.entry("k3", "v3"));

        // One MGET, one script taking the four leases, one store call, one script writing back.
        assertThat(calls(redis, "evalsha") + calls(redis, "eval") - scripts).isEqualTo(2);
        assertThat(store.loadAllKeys).containsExactly(keys);
        assertThat(store.loads).hasValue(0);
        assertThat(a.metrics().remoteMisses()).isEqualTo(4);
        assertThat(a.metrics().storeLoads()).isEqualTo(4);
        String[] leases = keys.stream().map(key -> "rc:{" + name + ":" + key + "}:l").toArray(String[]::new);
        assertThat(redis.command(Stream.concat(Stream.of("EXISTS"), Stream.of(leases)).toArray(String[]::new)))
                .as("leases released").isEqualTo(0L);

        // The other JVM finds all four in Redis, the absence included.
        assertThat(b.getAll(keys)).containsOnly(Map.entry("k1", "v1"), Map.entry("k2", "v2"), Map.entry("k3", "v3"));
        assertThat(b.metrics().remoteHits()).isEqualTo(4);
        assertThat(store.loadAlls).hasValue(1);
    }

    @Test
    void anExpiredCopyIsServedWithinItsBoundWhileAnotherJvmHoldsTheLease(TestRedis redis) throws Exception {
        String name = uniqueName();
        ManualClock clock = new ManualClock();
        TwoLevelCache<String, String> b = staleServingNode(redis, name, clock);
        store.rows.put("k", "v1");
        assertThat(b.get("k")).isEqualTo("v1");

        // The shared copy expires and the row changes; another JVM is loading it under the lease.
        store.rows.put("k", "v2");
        redis.command("DEL", "rc:{" + name + ":k}:d");
        redis.command("SET", "rc:{" + name + ":k}:l", "other-jvm", "PX", "60000");
        CountDownLatch waiting = on(b, CoherenceEvent.Type.LEASE_WAIT, 1);
        clock.advance(Duration.ofSeconds(11));

        assertThat(b.get("k")).isEqualTo("v1");   // served at once, stale within its bound
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();   // while the reload waits on the lease

        clock.advance(Duration.ofSeconds(60));    // past v1's bound: a caller gets the reloaded row
        assertThat(b.get("k")).isEqualTo("v2");

        clock.advance(Duration.ofSeconds(71));
        store.rows.put("k", "v3");
        redis.command("DEL", "rc:{" + name + ":k}:d");
        assertThat(b.get("k")).isEqualTo("v3");   // past the bound nothing stale is served
    }

    /** Publishes what a JVM named {@code publisher} sends when it invalidates {@code key}: its {@code sequence}-th message. */
    private static void publishInvalidation(TestRedis redis, String name, long version, String publisher, long sequence,
            String key) {
        redis.command("PUBLISH", "rc:{" + name + "}:inv",
                version + "|" + System.currentTimeMillis() + "|" + publisher + "|" + sequence + "|" + key);
    }

    private static long mgetCalls(TestRedis redis) {
        return calls(redis, "mget");
    }

    /** How many times the server has run {@code command}, from INFO commandstats. */
    private static long calls(TestRedis redis, String command) {
        Matcher calls = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher((String) redis.command("INFO", "commandstats"));
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
}
