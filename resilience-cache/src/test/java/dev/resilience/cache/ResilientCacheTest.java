package dev.resilience.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ErrorCode;
import dev.resilience.api.ManualClock;
import dev.resilience.testkit.Concurrently;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ResilientCacheTest {

    private final ManualClock clock = new ManualClock();
    private final MapStore store = new MapStore();

    private ResilientCache.Builder<String, String> builder() {
        return ResilientCache.<String, String>builder().clock(clock).scheduler(clock.scheduler())
                .ttl(Duration.ofSeconds(100)).absentTtl(Duration.ofSeconds(10));
    }

    private static boolean await(CountDownLatch latch) throws InterruptedException {
        return latch.await(10, TimeUnit.SECONDS);
    }

    @Test
    void manyConcurrentMissesOnEachKeyCauseOneLoadPerKey() {
        int threads = 32;
        int keys = 16;
        AtomicInteger arrived = new AtomicInteger();
        CountDownLatch allArrived = new CountDownLatch(1);
        AtomicInteger loads = new AtomicInteger();
        ResilientCache<String, String> cache = builder().store(key -> {
            loads.incrementAndGet();
            allArrived.await(10, TimeUnit.SECONDS);   // hold the load until every thread is asking
            return "v-" + key;
        }).build();

        Concurrently.Outcome<List<String>> outcome = Concurrently.run(threads, thread -> {
            if (arrived.incrementAndGet() == threads) {
                allArrived.countDown();
            }
            return IntStream.range(0, keys).mapToObj(i -> cache.get("k" + ((i + thread) % keys)))
                    .collect(Collectors.toList());
        });

        assertThat(outcome.valuesOrThrow()).allSatisfy(values -> assertThat(values).hasSize(keys)
                .allSatisfy(value -> assertThat(value).startsWith("v-k")));
        assertThat(loads).hasValue(keys);
        assertThat(cache.metrics().loads()).isEqualTo(keys);
    }

    @Test
    void aSlowLoadDoesNotBlockOtherKeys() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ResilientCache<String, String> cache = builder().store(key -> {
            if (key.equals("slow")) {
                release.await(10, TimeUnit.SECONDS);
            }
            return "v-" + key;
        }).build();

        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> cache.get("slow"));
        CompletableFuture<String> fast = CompletableFuture.supplyAsync(() -> cache.get("fast"));

        assertThat(fast.get(5, TimeUnit.SECONDS)).isEqualTo("v-fast");
        assertThat(slow).isNotDone();
        release.countDown();
        assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("v-slow");
    }

    @Test
    void aLoadLongerThanTheTimeoutFailsItsCallersAndInstallsNothing() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ResilientCache<String, String> cache = builder().loadTimeout(Duration.ofSeconds(2)).store(key -> {
            started.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "late";
        }).build();

        CompletableFuture<String> caller = CompletableFuture.supplyAsync(() -> cache.get("k"));
        assertThat(await(started)).isTrue();
        clock.advance(Duration.ofSeconds(2));

        assertThatThrownBy(() -> caller.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CacheLoadException.class)
                .satisfies(e -> assertThat(((CacheLoadException) e).code()).isEqualTo(ErrorCode.TIMEOUT));
        release.countDown();
        assertThat(cache.metrics().timeouts()).isEqualTo(1);
        assertThat(cache.getIfPresent("k")).isNull();
    }

    @Test
    void aFailedLoadReachesEveryCallerWithTheStoresException() {
        ResilientCache<String, String> cache = builder().store(key -> {
            throw new IOException("db down");
        }).build();

        assertThatThrownBy(() -> cache.get("k")).isInstanceOf(CacheLoadException.class)
                .hasRootCauseInstanceOf(IOException.class)
                .satisfies(e -> assertThat(((CacheLoadException) e).code()).isEqualTo(ErrorCode.CACHE_LOAD_FAILED));
        assertThat(cache.metrics().loadFailures()).isEqualTo(1);
    }

    @Test
    void anAbsentKeyIsCachedForTheAbsentTtlOnly() {
        ResilientCache<String, String> cache = builder().store(store).build();

        assertThat(cache.get("missing")).isNull();
        assertThat(cache.get("missing")).isNull();
        assertThat(store.loads).hasValue(1);
        assertThat(cache.metrics().absentsCached()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(9));
        assertThat(cache.get("missing")).isNull();
        assertThat(store.loads).hasValue(1);

        clock.advance(Duration.ofSeconds(1));
        store.rows.put("missing", "found");
        assertThat(cache.get("missing")).isEqualTo("found");
        assertThat(store.loads).hasValue(2);
    }

    @Test
    void keysTheMembershipFilterRejectsNeverReachTheStore() {
        ResilientCache<String, String> cache = builder().store(store).membership(key -> key.startsWith("user:")).build();
        store.rows.put("user:1", "ada");

        assertThat(cache.get("bogus:1")).isNull();
        assertThat(cache.get("bogus:2")).isNull();
        assertThat(cache.get("user:1")).isEqualTo("ada");

        assertThat(store.loads).hasValue(1);
        assertThat(cache.metrics().filtered()).isEqualTo(2);
    }

    @Test
    void jitteredTtlsStayWithinTheirBoundsAndSpreadOut() {
        ResilientCache<String, String> cache = builder().jitter(0.2).random(new SplittableRandom(7)).build();
        List<String> keys = IntStream.range(0, 1000).mapToObj(i -> "k" + i).collect(Collectors.toList());
        keys.forEach(key -> cache.put(key, "v"));

        clock.advance(Duration.ofSeconds(80).minusNanos(1));
        assertThat(keys).allSatisfy(key -> assertThat(cache.getIfPresent(key)).isEqualTo("v"));

        clock.advance(Duration.ofSeconds(20).plusNanos(1));
        long alive = keys.stream().filter(key -> cache.getIfPresent(key) != null).count();
        assertThat(alive).isBetween(400L, 600L);

        clock.advance(Duration.ofSeconds(20));
        assertThat(keys).allSatisfy(key -> assertThat(cache.getIfPresent(key)).isNull());
    }

    @Test
    void aTimedCacheNeverServesAnEntryPastItsDeadlineAndFreesItWithinTwoTicks() {
        ResilientCache<String, String> cache = builder().jitter(0.2).store(store).build();
        LocalCache<String, String> local = (LocalCache<String, String>) cache;
        List<String> keys = IntStream.range(0, 100).mapToObj(i -> "k" + i).collect(Collectors.toList());
        keys.forEach(key -> cache.put(key, "v"));

        // Past every entry's own deadline (at most 120 s): none is served, though Caffeine, on its
        // coarse ticker, still holds them.
        clock.advance(Duration.ofSeconds(121));
        assertThat(keys).allSatisfy(key -> assertThat(cache.getIfPresent(key)).isNull());
        local.cleanUp();
        assertThat(cache.metrics().estimatedSize()).isEqualTo(100);

        // Two ticks later, and after any read has moved the ticker, Caffeine has dropped them all.
        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.getIfPresent("k0")).isNull();
        local.cleanUp();
        assertThat(cache.metrics().estimatedSize()).isZero();
        assertThat(cache.get("k0")).isEqualTo("v");   // and reloads from the store
        assertThat(store.loads).hasValue(1);
    }

    @Test
    void aWriteDuringASlowLoadDoesNotLeaveTheOldValueCached() throws Exception {
        store.rows.put("k", "old");
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        ResilientCache<String, String> cache = builder().build();
        CacheLoader<String, String> slowLoader = key -> {
            String value = store.load(key);   // reads the old row...
            read.countDown();
            proceed.await(10, TimeUnit.SECONDS);   // ...and is slow to return it
            return value;
        };

        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> cache.get("k", slowLoader));
        assertThat(await(read)).isTrue();
        cache.invalidateAfter("k", () -> store.rows.put("k", "new"));
        proceed.countDown();

        assertThat(reader.get(5, TimeUnit.SECONDS)).isEqualTo("old");   // it asked before the write
        assertThat(cache.getIfPresent("k")).isNull();                   // but the old value was not installed
        assertThat(cache.get("k", store)).isEqualTo("new");
    }

    @Test
    void aWriteThroughDuringASlowLoadWins() throws Exception {
        store.rows.put("k", "old");
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        ResilientCache<String, String> cache = builder().store(new MapStore() {
            @Override
            public String load(String key) throws Exception {
                String value = store.rows.get(key);
                read.countDown();
                proceed.await(10, TimeUnit.SECONDS);
                return value;
            }

            @Override
            public void write(String key, String value) {
                store.rows.put(key, value);
            }
        }).build();

        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> cache.get("k"));
        assertThat(await(read)).isTrue();
        cache.put("k", "new");
        proceed.countDown();
        reader.get(5, TimeUnit.SECONDS);

        assertThat(cache.getIfPresent("k")).isEqualTo("new");
        assertThat(store.rows).containsEntry("k", "new");
    }

    @Test
    void getAllLoadsOnlyTrueMissesInOneCallAndJoinsLoadsInFlight() throws Exception {
        CountDownLatch bStarted = new CountDownLatch(1);
        CountDownLatch releaseB = new CountDownLatch(1);
        MapStore counting = new MapStore() {
            @Override
            public String load(String key) throws Exception {
                if (key.equals("b")) {
                    bStarted.countDown();
                    releaseB.await(10, TimeUnit.SECONDS);
                }
                return super.load(key);
            }
        };
        counting.rows.putAll(Map.of("a", "A", "b", "B", "c", "C"));
        ResilientCache<String, String> cache = builder().store(counting).build();
        assertThat(cache.get("a")).isEqualTo("A");
        CompletableFuture<String> loadingB = CompletableFuture.supplyAsync(() -> cache.get("b"));
        assertThat(await(bStarted)).isTrue();

        CompletableFuture<Map<String, String>> all = CompletableFuture.supplyAsync(
                () -> cache.getAll(List.of("a", "b", "c", "d", "c")));
        releaseB.countDown();

        assertThat(all.get(5, TimeUnit.SECONDS)).containsExactly(Map.entry("a", "A"), Map.entry("b", "B"),
                Map.entry("c", "C"));
        assertThat(loadingB.get(5, TimeUnit.SECONDS)).isEqualTo("B");
        assertThat(counting.loadAllKeys).containsExactly(List.of("c", "d"));
        assertThat(counting.loads).hasValue(2);   // a, then b once: getAll joined b's load
        assertThat(cache.get("d")).isNull();      // cached as absent by the batch
        assertThat(counting.loadAlls).hasValue(1);
    }

    @Test
    void aFailedWriteThroughLeavesTheCacheUnchangedAndReachesTheCaller() {
        MapStore failing = new MapStore() {
            @Override
            public void write(String key, String value) throws Exception {
                throw new IOException("disk full");
            }
        };
        failing.rows.put("k", "old");
        ResilientCache<String, String> cache = builder().store(failing).build();
        assertThat(cache.get("k")).isEqualTo("old");

        assertThatThrownBy(() -> cache.put("k", "new")).isInstanceOfSatisfying(CacheWriteException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CACHE_WRITE_FAILED)).hasCauseInstanceOf(IOException.class);
        assertThat(cache.getIfPresent("k")).isEqualTo("old");
        assertThat(failing.rows).containsEntry("k", "old");
    }

    @Test
    void writeThroughWritesTheStoreThenTheCacheAndRemoveCachesAbsence() {
        ResilientCache<String, String> cache = builder().store(store).build();

        cache.put("k", "v");
        assertThat(store.rows).containsEntry("k", "v");
        assertThat(cache.get("k")).isEqualTo("v");

        cache.remove("k");
        assertThat(store.rows).doesNotContainKey("k");
        assertThat(cache.get("k")).isNull();
        assertThat(store.loads).hasValue(0);
    }

    @Test
    void concurrentWriteThroughsLeaveTheCacheAgreeingWithTheStore() {
        ResilientCache<String, String> cache = builder().store(store).build();
        Concurrently.run(8, thread -> {
            for (int i = 0; i < 500; i++) {
                cache.put("k" + (i % 4), thread + ":" + i);
            }
            return null;
        }).valuesOrThrow();
        for (int i = 0; i < 4; i++) {
            assertThat(cache.getIfPresent("k" + i)).isEqualTo(store.rows.get("k" + i));
        }
    }

    @Test
    void refreshAheadServesTheOldValueWhileReloading() {
        ResilientCache<String, String> cache = builder().refreshAhead(Duration.ofSeconds(60))
                .executor(Runnable::run).store(store).build();
        store.rows.put("k", "v1");
        assertThat(cache.get("k")).isEqualTo("v1");
        store.rows.put("k", "v2");

        clock.advance(Duration.ofSeconds(59));
        assertThat(cache.get("k")).isEqualTo("v1");
        assertThat(cache.metrics().refreshes()).isZero();

        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.get("k")).isEqualTo("v1");   // the reload is started; the old value is served
        assertThat(cache.metrics().refreshes()).isEqualTo(1);
        assertThat(cache.get("k")).isEqualTo("v2");
    }

    @Test
    void aFailingReloadServesTheStaleValueWithinTheBoundOnly() {
        AtomicInteger calls = new AtomicInteger();
        ResilientCache<String, String> cache = builder().staleOnError(Duration.ofSeconds(30)).executor(Runnable::run)
                .store(key -> {
                    if (calls.incrementAndGet() > 1) {
                        throw new IOException("db down");
                    }
                    return "v1";
                }).build();
        assertThat(cache.get("k")).isEqualTo("v1");

        clock.advance(Duration.ofSeconds(110));
        assertThat(cache.get("k")).isEqualTo("v1");
        assertThat(cache.metrics().staleServed()).isEqualTo(1);
        assertThat(cache.getIfPresent("k")).isNull();   // stale values are served only in place of a failure

        clock.advance(Duration.ofSeconds(21));
        assertThatThrownBy(() -> cache.get("k")).isInstanceOf(CacheLoadException.class);
    }

    @Test
    void earlyRefreshFiresRarelyFarFromExpiryAndOftenCloseToIt() {
        ResilientCache<String, String> cache = ResilientCache.<String, String>builder().clock(clock)
                .scheduler(clock.scheduler()).ttl(Duration.ofSeconds(20)).earlyRefresh(1.0)
                .random(new SplittableRandom(42)).executor(Runnable::run)
                .store(new MapStore() {
                    @Override
                    public Map<String, String> loadAll(java.util.Collection<? extends String> keys) {
                        clock.advance(Duration.ofSeconds(2));   // every entry's load took Δ = 2 s
                        return keys.stream().collect(Collectors.toMap(k -> k, k -> "v"));
                    }

                    @Override
                    public String load(String key) {
                        return "v";
                    }
                }).build();
        List<String> keys = IntStream.range(0, 200).mapToObj(i -> "k" + i).collect(Collectors.toList());
        cache.getAll(keys);

        clock.advance(Duration.ofSeconds(4));   // 16 s = 8 Δ before expiry: P = e^-8 per hit
        keys.forEach(cache::get);
        assertThat(cache.metrics().refreshes()).isLessThanOrEqualTo(2);

        long before = cache.metrics().refreshes();
        clock.advance(Duration.ofSeconds(15));   // 1 s = 0.5 Δ before expiry: P = e^-0.5 ≈ 0.61 per hit
        keys.forEach(cache::get);
        assertThat(cache.metrics().refreshes() - before).isBetween(95L, 150L);
    }

    @Test
    void theBuilderNamesTheBadParameter() {
        assertThatThrownBy(() -> builder().jitter(1.5).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jitter").hasMessageContaining("1.5");
        assertThatThrownBy(() -> builder().ttl(Duration.ZERO).build()).hasMessageContaining("ttl");
        assertThatThrownBy(() -> builder().refreshAhead(Duration.ofSeconds(200)).build())
                .hasMessageContaining("refreshAhead");
        assertThatThrownBy(() -> builder().build().get("k")).isInstanceOf(IllegalStateException.class);
    }
}
