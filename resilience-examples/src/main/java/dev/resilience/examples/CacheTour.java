package dev.resilience.examples;

import dev.resilience.api.Clock;
import dev.resilience.cache.CacheStore;
import dev.resilience.cache.CoherenceEvent;
import dev.resilience.cache.ResilientCache;
import dev.resilience.cache.TwoLevelCache;
import dev.resilience.cache.ValueCodec;
import dev.resilience.cache.WriteBehindCache;
import dev.resilience.cache.WriteBehindConfig;
import dev.resilience.cache.WriteBehindMetrics;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The tour's stop for resilience-cache: single-flight reads, write-behind, and two JVMs kept coherent. */
final class CacheTour implements TourStop {

    @Override
    public String title() {
        return "Caching (resilience-cache)";
    }

    @Override
    public void run(Context context) throws Exception {
        readThroughWithSingleFlight(context);
        writeBehindCoalescesAndFlushes(context);
        twoLevelInvalidation(context);
    }

    private static void readThroughWithSingleFlight(Context context) throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CacheStore<String, String> slowDatabase = key -> {
            loads.incrementAndGet();
            Clock.system().sleep(TimeUnit.MILLISECONDS.toNanos(50));   // a slow query
            return key.equals("user:404") ? null : "Ada (" + key + ")";
        };
        ResilientCache<String, String> users = ResilientCache.<String, String>builder()
                .ttl(Duration.ofMinutes(5)).jitter(0.1).absentTtl(Duration.ofSeconds(30))
                .loadTimeout(Duration.ofSeconds(2))
                .store(slowDatabase).build();

        List<CompletableFuture<String>> readers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            readers.add(CompletableFuture.supplyAsync(() -> users.get("user:1")));
        }
        for (CompletableFuture<String> reader : readers) {
            reader.get(5, TimeUnit.SECONDS);
        }
        users.get("user:404");
        users.get("user:404");
        context.say("read-through: 50 concurrent misses on user:1 -> %d store load; user:404 asked twice -> 1 load, cached as absent",
                loads.get() - 1);
        check(loads.get() == 2, "expected one load per key, got " + loads.get());
    }

    private static void writeBehindCoalescesAndFlushes(Context context) {
        Map<String, String> database = new ConcurrentHashMap<>();
        AtomicInteger storeCalls = new AtomicInteger();
        CacheStore<String, String> store = new CacheStore<>() {
            @Override
            public String load(String key) {
                return database.get(key);
            }

            @Override
            public void writeAll(Map<? extends String, ? extends String> entries) {
                storeCalls.incrementAndGet();
                database.putAll(entries);
            }
        };
        try (WriteBehindCache<String, String> counters = ResilientCache.<String, String>builder().store(store)
                .buildWriteBehind(WriteBehindConfig.builder().batchSize(100).maxDelay(Duration.ofMillis(200)).build())) {
            counters.onDeadLetter(letter -> context.say("dead letter: %s", letter));
            for (int i = 1; i <= 1000; i++) {
                counters.put("counter:" + (i % 10), Integer.toString(i));
            }
            context.say("write-behind: 1000 puts acknowledged; read back before any store write: counter:0 = %s",
                    counters.get("counter:0"));
            counters.flush();
            WriteBehindMetrics m = counters.writeBehindMetrics();
            context.say("flushed: %d store write(s) in %d call(s), %d coalesced, %d pending; database counter:0 = %s",
                    m.written(), storeCalls.get(), m.coalesced(), m.pending(), database.get("counter:0"));
            check("1000".equals(database.get("counter:0")) && m.pending() == 0, "the last write must reach the store");
        }
    }

    private static void twoLevelInvalidation(Context context) throws Exception {
        Map<String, String> database = new ConcurrentHashMap<>(Map.of("price:42", "9.99"));
        CacheStore<String, String> store = new CacheStore<>() {
            @Override
            public String load(String key) {
                return database.get(key);
            }

            @Override
            public void write(String key, String value) {
                database.put(key, value);
            }
        };
        RedisClient clientA = RedisClient.create(context.redisUri());
        RedisClient clientB = RedisClient.create(context.redisUri());
        String name = "tour-prices-" + UUID.randomUUID();
        try (TwoLevelCache<String, String> jvmA = TwoLevelCache.builder(clientA, name, ValueCodec.string()).store(store).build();
                TwoLevelCache<String, String> jvmB = TwoLevelCache.builder(clientB, name, ValueCodec.string()).store(store).build()) {
            context.say("two-level: JVM A reads price:42 = %s, JVM B reads %s (from Redis: %d remote hit)",
                    jvmA.get("price:42"), jvmB.get("price:42"), jvmB.metrics().remoteHits());
            CountDownLatch dropped = new CountDownLatch(1);
            jvmB.subscribe(event -> {
                if (event.type() == CoherenceEvent.Type.INVALIDATED) {
                    dropped.countDown();
                }
            });
            jvmA.put("price:42", "7.49");
            check(dropped.await(5, TimeUnit.SECONDS), "JVM B never heard of the change");
            String seen = jvmB.get("price:42");
            context.say("JVM A writes 7.49 -> JVM B dropped its copy (after %d ms) and now reads %s",
                    jvmB.metrics().maxInvalidationLagMillis(), seen);
            check("7.49".equals(seen), "JVM B must read the new price");
        } finally {
            clientA.shutdown();
            clientB.shutdown();
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
