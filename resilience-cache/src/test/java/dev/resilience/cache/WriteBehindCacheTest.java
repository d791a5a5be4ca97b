package dev.resilience.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.Backoff;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.ManualClock;
import dev.resilience.testkit.Concurrently;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteBehindCacheTest {

    private final ManualClock clock = new ManualClock();
    private final RecordingStore store = new RecordingStore();
    private final List<DeadLetter<String, String>> deadLetters = new CopyOnWriteArrayList<>();
    private final List<WriteBehindCache<String, String>> opened = new ArrayList<>();

    /** A store that records every operation in order, per key and overall. */
    static class RecordingStore extends MapStore {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Map<String, List<String>> perKey = new ConcurrentHashMap<>();

        @Override
        public void writeAll(Map<? extends String, ? extends String> entries) throws Exception {
            calls.add("writeAll" + new java.util.TreeMap<>(entries));
            for (Map.Entry<? extends String, ? extends String> e : entries.entrySet()) {
                record(e.getKey(), e.getValue());
                rows.put(e.getKey(), e.getValue());
            }
        }

        @Override
        public void deleteAll(Collection<? extends String> keys) throws Exception {
            calls.add("deleteAll" + new java.util.TreeSet<>(keys));
            for (String key : keys) {
                record(key, "<deleted>");
                rows.remove(key);
            }
        }

        void record(String key, String value) {
            perKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(value);
        }
    }

    private WriteBehindCache<String, String> open(CacheStore<String, String> backing, WriteBehindConfig.Builder config) {
        WriteBehindCache<String, String> cache = ResilientCache.<String, String>builder().clock(clock)
                .scheduler(clock.scheduler()).store(backing)
                .buildWriteBehind(config.maxDelay(Duration.ofHours(1)).build());
        cache.onDeadLetter(deadLetters::add);
        opened.add(cache);
        return cache;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(cache -> cache.close(Duration.ofSeconds(5)));
    }

    @Test
    void laterWritesToAKeyCoalesceAndADeleteSupersedesAPendingPut() {
        WriteBehindCache<String, String> cache = open(store, WriteBehindConfig.builder());
        for (int i = 1; i <= 10; i++) {
            cache.put("a", "a" + i);
        }
        cache.put("b", "b1");
        cache.put("c", "c1");
        cache.remove("c");

        assertThat(store.calls).isEmpty();   // acknowledged, not yet written
        cache.flush();

        assertThat(store.calls).containsExactly("writeAll{a=a10, b=b1}", "deleteAll[c]");
        WriteBehindMetrics metrics = cache.writeBehindMetrics();
        assertThat(metrics.coalesced()).isEqualTo(10);
        assertThat(metrics.written()).isEqualTo(3);
        assertThat(metrics.pending()).isZero();
    }

    @Test
    void aFullBatchIsWrittenAtOnceAndAPartialOneAfterTheMaxDelay() throws Exception {
        CountDownLatch firstBatch = new CountDownLatch(1);
        CountDownLatch secondBatch = new CountDownLatch(2);
        RecordingStore signalling = new RecordingStore() {
            @Override
            public void writeAll(Map<? extends String, ? extends String> entries) throws Exception {
                super.writeAll(entries);
                firstBatch.countDown();
                secondBatch.countDown();
            }
        };
        WriteBehindCache<String, String> cache = ResilientCache.<String, String>builder().clock(clock)
                .store(signalling).buildWriteBehind(WriteBehindConfig.builder().batchSize(3)
                        .maxDelay(Duration.ofSeconds(5)).build());
        opened.add(cache);
        cache.put("a", "1");
        cache.put("b", "2");
        cache.put("c", "3");
        assertThat(firstBatch.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(signalling.calls).containsExactly("writeAll{a=1, b=2, c=3}");

        cache.put("d", "4");
        clock.advance(Duration.ofSeconds(5));
        assertThat(secondBatch.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(signalling.calls).containsExactly("writeAll{a=1, b=2, c=3}", "writeAll{d=4}");
    }

    @Test
    void readsSeePendingWritesEvenAfterTheCacheDroppedThem() {
        store.rows.put("k", "stored");
        WriteBehindCache<String, String> cache = open(store, WriteBehindConfig.builder());

        cache.put("k", "pending");
        cache.invalidate("k");
        assertThat(cache.get("k")).isEqualTo("pending");
        assertThat(cache.getAll(List.of("k"))).containsEntry("k", "pending");

        cache.remove("k");
        cache.invalidate("k");
        assertThat(cache.get("k")).isNull();
        assertThat(store.loads).hasValue(0);
        assertThat(store.loadAlls).hasValue(0);

        cache.flush();
        assertThat(store.rows).doesNotContainKey("k");
    }

    @Test
    void aFailedBatchIsRetriedWithTheBackoff() {
        AtomicInteger failuresLeft = new AtomicInteger(2);
        RecordingStore flaky = new RecordingStore() {
            @Override
            public void writeAll(Map<? extends String, ? extends String> entries) throws Exception {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IOException("timeout");
                }
                super.writeAll(entries);
            }
        };
        WriteBehindCache<String, String> cache = open(flaky, WriteBehindConfig.builder().maxAttempts(3)
                .backoff(Backoff.fixed(Duration.ofSeconds(1))));
        cache.put("k", "v");
        cache.flush();

        assertThat(flaky.rows).containsEntry("k", "v");
        assertThat(clock.sleptNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(cache.writeBehindMetrics().retried()).isEqualTo(2);
        assertThat(cache.writeBehindMetrics().written()).isEqualTo(1);
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void aWriteThatKeepsFailingIsDeadLetteredWithItsKeyAndValueAndTheOthersAreWritten() {
        RecordingStore poisoned = new RecordingStore() {
            @Override
            public void writeAll(Map<? extends String, ? extends String> entries) throws Exception {
                if (entries.containsKey("poison")) {
                    throw new IOException("constraint violated");
                }
                super.writeAll(entries);
            }

            @Override
            public void write(String key, String value) throws Exception {
                writeAll(Map.of(key, value));
            }
        };
        WriteBehindCache<String, String> cache = open(poisoned, WriteBehindConfig.builder().maxAttempts(2)
                .backoff(Backoff.fixed(Duration.ofMillis(10))));
        cache.put("good", "g");
        cache.put("poison", "p");
        cache.flush();

        assertThat(poisoned.rows).containsOnly(Map.entry("good", "g"));
        assertThat(deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.key()).isEqualTo("poison");
            assertThat(letter.value()).isEqualTo("p");
            assertThat(letter.delete()).isFalse();
            assertThat(letter.error()).isInstanceOf(IOException.class);
            assertThat(letter.attempts()).isEqualTo(3);
        });
        assertThat(cache.writeBehindMetrics().deadLettered()).isEqualTo(1);
        assertThat(cache.getIfPresent("poison")).isNull();   // the cache no longer claims the lost write
        assertThat(cache.getIfPresent("good")).isEqualTo("g");
    }

    @Test
    void aFullBufferRejectsNewKeysButStillCoalescesBufferedOnes() {
        WriteBehindCache<String, String> cache = open(store, WriteBehindConfig.builder().capacity(2)
                .overflow(OverflowPolicy.REJECT));
        cache.put("a", "1");
        cache.put("b", "1");

        assertThatThrownBy(() -> cache.put("c", "1")).isInstanceOf(WriteBufferFullException.class)
                .satisfies(e -> assertThat(((WriteBufferFullException) e).code()).isEqualTo(ErrorCode.WRITE_BUFFER_FULL));
        cache.put("a", "2");
        assertThat(cache.writeBehindMetrics().rejected()).isEqualTo(1);
        assertThat(cache.getIfPresent("c")).isNull();

        cache.flush();
        cache.put("c", "1");
        cache.flush();
        assertThat(store.rows).containsOnly(Map.entry("a", "2"), Map.entry("b", "1"), Map.entry("c", "1"));
    }

    @Test
    void aFullBufferCanWriteThrough() {
        WriteBehindCache<String, String> cache = open(store, WriteBehindConfig.builder().capacity(1)
                .overflow(OverflowPolicy.WRITE_THROUGH));
        cache.put("a", "1");
        cache.put("b", "1");

        assertThat(store.rows).containsOnly(Map.entry("b", "1"));   // b went straight to the store
        assertThat(cache.getIfPresent("b")).isEqualTo("1");
        assertThat(cache.writeBehindMetrics().writtenThrough()).isEqualTo(1);
        cache.flush();
        assertThat(store.rows).containsOnly(Map.entry("a", "1"), Map.entry("b", "1"));
    }

    @Test
    void aFullBufferBlocksForTheTimeoutThenRejects() {
        CountDownLatch release = new CountDownLatch(1);
        RecordingStore stuck = new RecordingStore() {
            @Override
            public void writeAll(Map<? extends String, ? extends String> entries) throws Exception {
                release.await(10, TimeUnit.SECONDS);
                super.writeAll(entries);
            }
        };
        WriteBehindCache<String, String> cache = open(stuck, WriteBehindConfig.builder().capacity(1)
                .overflow(OverflowPolicy.BLOCK).blockTimeout(Duration.ofSeconds(3)));
        cache.put("a", "1");
        long before = clock.nanoTime();

        assertThatThrownBy(() -> cache.put("b", "1")).isInstanceOf(WriteBufferFullException.class);
        assertThat(clock.nanoTime() - before).isGreaterThanOrEqualTo(Duration.ofSeconds(3).toNanos());
        release.countDown();
    }

    @Test
    void aBlockedWriteProceedsOnceTheFlusherMakesRoom() throws Exception {
        WriteBehindCache<String, String> cache = ResilientCache.<String, String>builder().clock(clock).store(store)
                .buildWriteBehind(WriteBehindConfig.builder().capacity(1).maxDelay(Duration.ofHours(1))
                        .overflow(OverflowPolicy.BLOCK).blockTimeout(Duration.ofDays(1)).build());
        opened.add(cache);
        cache.put("a", "1");
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> cache.put("b", "2"));
        cache.flush();
        blocked.get(10, TimeUnit.SECONDS);
        cache.flush();
        assertThat(store.rows).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThat(cache.writeBehindMetrics().rejected()).isZero();
    }

    @Test
    void closeDrainsEverythingAndRefusesLaterWrites() {
        WriteBehindCache<String, String> cache = open(store, WriteBehindConfig.builder().batchSize(7));
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, "v" + i);
        }
        assertThat(cache.close(Duration.ofSeconds(10))).isTrue();

        assertThat(store.rows).hasSize(100).containsEntry("k99", "v99");
        assertThat(cache.writeBehindMetrics().pending()).isZero();
        assertThatThrownBy(() -> cache.put("late", "v")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCloseThatRunsOutOfTimeDeadLettersWhatIsStillPending() {
        CountDownLatch release = new CountDownLatch(1);
        RecordingStore hung = new RecordingStore() {
            @Override
            public void writeAll(Map<? extends String, ? extends String> entries) throws Exception {
                release.await(10, TimeUnit.SECONDS);
                super.writeAll(entries);
            }
        };
        WriteBehindCache<String, String> cache = open(hung, WriteBehindConfig.builder());
        cache.put("a", "1");
        cache.put("b", "2");

        assertThat(cache.close(Duration.ofMillis(200))).isFalse();
        release.countDown();
        assertThat(deadLetters).extracting(DeadLetter::key).containsExactlyInAnyOrder("a", "b");
        assertThat(deadLetters).allSatisfy(letter -> assertThat(letter.error())
                .isInstanceOf(dev.resilience.api.ResilienceException.class));
    }

    @Test
    void perKeyOrderHoldsForPutsAndDeletesUnderConcurrentWriters() {
        WriteBehindCache<String, String> cache = ResilientCache.<String, String>builder().clock(clock).store(store)
                .buildWriteBehind(WriteBehindConfig.builder().batchSize(16).maxDelay(Duration.ofNanos(1)).build());
        opened.add(cache);
        int threads = 8;
        int writes = 3000;
        Concurrently.run(threads, thread -> {
            for (int i = 0; i < writes; i++) {
                String key = "t" + thread + "-k" + (i % 5);
                if (i % 7 == 0) {
                    cache.remove(key);
                } else {
                    cache.put(key, String.valueOf(i));
                }
            }
            return null;
        }).valuesOrThrow();
        cache.flush();

        for (int t = 0; t < threads; t++) {
            for (int k = 0; k < 5; k++) {
                String key = "t" + t + "-k" + k;
                List<String> seen = new ArrayList<>(store.perKey.getOrDefault(key, List.of()));
                int last = -1;
                for (String value : seen) {   // each key's writes reach the store in the order made
                    if (!value.equals("<deleted>")) {
                        assertThat(Integer.parseInt(value)).as("order of %s: %s", key, seen).isGreaterThan(last);
                        last = Integer.parseInt(value);
                    }
                }
                int lastIndex = writes - 5 + k;
                String expected = lastIndex % 7 == 0 ? null : String.valueOf(lastIndex);
                assertThat(store.rows.get(key)).as(key).isEqualTo(expected);
            }
        }
    }

    @Test
    void eachWriterReadsItsOwnLatestWriteWhileTheFlusherWritesAndTheCacheEvicts() {
        // A small cache, so keys are evicted and reloaded from the buffer, and a flusher that
        // writes as soon as it can, so slots close and reopen under the writers all the time.
        WriteBehindCache<String, String> cache = ResilientCache.<String, String>builder().clock(clock).store(store)
                .maximumSize(16).buildWriteBehind(WriteBehindConfig.builder().batchSize(8)
                        .maxDelay(Duration.ofNanos(1)).build());
        opened.add(cache);
        int threads = 8;
        int writes = 4000;
        List<String> stale = Concurrently.run(threads, thread -> {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                String key = "t" + thread + "-k" + (i % 10);
                String value = i % 9 == 0 ? null : String.valueOf(i);
                if (value == null) {
                    cache.remove(key);
                } else {
                    cache.put(key, value);
                }
                String read = i % 2 == 0 ? cache.get(key) : cache.getAll(List.of(key)).get(key);
                String present = cache.getIfPresent(key);
                if (!Objects.equals(read, value) || (present != null && !present.equals(value))) {
                    seen.add(key + " wrote " + value + ", read " + read + ", present " + present);
                }
            }
            return seen;
        }).valuesOrThrow().stream().flatMap(List::stream).toList();
        assertThat(stale).as("reads that missed the reader's own latest write").isEmpty();

        cache.flush();
        for (int t = 0; t < threads; t++) {
            for (int k = 0; k < 10; k++) {
                String key = "t" + t + "-k" + k;
                assertThat(cache.get(key)).as(key).isEqualTo(store.rows.get(key));
            }
        }
        assertThat(cache.writeBehindMetrics().pending()).isZero();
    }

    @Test
    void noAcknowledgedWriteIsLostWithManyWritersAndAFailingStore() {
        Random failures = new Random(11);   // called only from the flusher thread
        RecordingStore unreliable = new RecordingStore() {
            @Override
            public void writeAll(Map<? extends String, ? extends String> entries) throws Exception {
                if (failures.nextInt(100) < 40) {
                    throw new IOException("flaky");
                }
                super.writeAll(entries);
            }

            @Override
            public void write(String key, String value) throws Exception {
                writeAll(Map.of(key, value));
            }
        };
        WriteBehindCache<String, String> cache = ResilientCache.<String, String>builder().clock(clock)
                .store(unreliable).buildWriteBehind(WriteBehindConfig.builder().batchSize(32)
                        .maxDelay(Duration.ofNanos(1)).maxAttempts(2).backoff(Backoff.fixed(Duration.ZERO)).build());
        cache.onDeadLetter(deadLetters::add);
        opened.add(cache);
        int threads = 8;
        int writes = 5000;
        Concurrently.run(threads, thread -> {
            for (int i = 0; i < writes; i++) {
                cache.put("t" + thread + "-k" + (i % 50), String.valueOf(i));
            }
            return null;
        }).valuesOrThrow();
        assertThat(cache.close(Duration.ofSeconds(30))).isTrue();

        Map<String, String> lettered = new HashMap<>();
        deadLetters.forEach(letter -> lettered.put(letter.key(), letter.value()));
        for (int t = 0; t < threads; t++) {
            for (int k = 0; k < 50; k++) {
                String key = "t" + t + "-k" + k;
                String last = String.valueOf(writes - 50 + k);
                boolean stored = last.equals(unreliable.rows.get(key));
                boolean reported = deadLetters.stream().anyMatch(l -> l.key().equals(key) && l.value().equals(last));
                assertThat(stored || reported).as("%s=%s stored or dead-lettered (store has %s, letters %s)",
                        key, last, unreliable.rows.get(key), lettered.get(key)).isTrue();
            }
        }
        WriteBehindMetrics metrics = cache.writeBehindMetrics();
        assertThat(metrics.written() + metrics.deadLettered() + metrics.coalesced()).isEqualTo((long) threads * writes);
    }

    @Test
    void theConfigNamesTheBadParameter() {
        assertThatThrownBy(() -> WriteBehindConfig.builder().batchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize").hasMessageContaining("0");
        assertThatThrownBy(() -> ResilientCache.<String, String>builder().buildWriteBehind(WriteBehindConfig.builder().build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store");
    }
}
