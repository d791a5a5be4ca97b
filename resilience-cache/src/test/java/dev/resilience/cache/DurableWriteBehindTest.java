package dev.resilience.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resilience.api.ErrorCode;
import dev.resilience.testkit.TestRedis;
import dev.resilience.testkit.WithRedis;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithRedis
class DurableWriteBehindTest {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private RedisClient client;
    private RedisCommands<String, String> redis;

    @BeforeEach
    void connect(TestRedis testRedis) {
        client = RedisClient.create(testRedis.uri());
        redis = client.connect().sync();
    }

    @AfterEach
    void disconnect() {
        client.shutdown();
    }

    private WriteBehindCache<String, String> open(String journal, String consumer, CacheStore<String, String> store) {
        return ResilientCache.<String, String>builder().store(store)
                .buildDurableWriteBehind(WriteBehindConfig.builder().batchSize(10).maxDelay(Duration.ofMillis(10)).build(),
                        DurableJournal.of(client, journal, ValueCodec.string(), ValueCodec.string())
                                .withConsumer(consumer).withClaimIdle(Duration.ofSeconds(1)));
    }

    /** What a write of {@code key} must pass first: it may throw (a refusal) or wait. */
    @FunctionalInterface
    private interface WriteGuard {
        void check(String key) throws Exception;
    }

    /** {@code backing}, with every single-key write passing {@code guard} first. */
    private static CacheStore<String, String> guarded(RedisHashStore backing, WriteGuard guard) {
        return new CacheStore<>() {
            @Override
            public String load(String key) {
                return backing.load(key);
            }

            @Override
            public void write(String key, String value) throws Exception {
                guard.check(key);
                backing.write(key, value);
            }
        };
    }

    private static void flushWithin(WriteBehindCache<?, ?> cache, long seconds) throws Exception {
        CompletableFuture.runAsync(cache::flush).get(seconds, TimeUnit.SECONDS);
    }

    @Test
    void writesAreJournaledThenWrittenAndReadsSeeThemMeanwhile() throws Exception {
        String name = "j" + NAMES.incrementAndGet();
        RedisHashStore store = new RedisHashStore(redis, "sor:" + name, 0);
        WriteBehindCache<String, String> cache = open(name, "a", store);
        cache.put("a", "1");
        cache.put("b", "2");
        cache.put("a", "3");
        cache.remove("b");
        cache.invalidate("a");

        assertThat(cache.get("a")).isEqualTo("3");   // from the overlay or the store, never stale
        flushWithin(cache, 20);
        assertThat(redis.hgetall("sor:" + name)).containsOnly(Map.entry("a", "3"));
        // The journal keeps nothing once written: entries deleted, versions forgotten.
        assertThat(redis.xlen("wb:{" + name + "}")).isZero();
        assertThat(redis.hlen("wb:{" + name + "}:versions")).isZero();
        WriteBehindMetrics metrics = cache.writeBehindMetrics();
        assertThat(metrics.written() + metrics.coalesced()).as("each of the 4 entries written or coalesced").isEqualTo(4);
        assertThat(cache.close(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aReplayedOlderEntryNeverOverwritesANewerValue() throws Exception {
        String name = "j" + NAMES.incrementAndGet();
        RedisHashStore store = new RedisHashStore(redis, "sor:" + name, 0);
        WriteBehindCache<String, String> cache = open(name, "a", store);
        cache.put("k", "v1");
        cache.put("k", "v2");
        flushWithin(cache, 20);
        assertThat(redis.hget("sor:" + name, "k")).isEqualTo("v2");

        // an old entry (version 1) appears again, as after a crash between store write and XACK
        redis.xadd("wb:{" + name + "}", Map.of("k", "k", "p", "Vv1", "v", "1"));
        flushWithin(cache, 20);

        assertThat(redis.hget("sor:" + name, "k")).isEqualTo("v2");
        assertThat(cache.close(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aWriteTheStoreKeepsRefusingIsDeadLetteredAndAcknowledged() throws Exception {
        String name = "j" + NAMES.incrementAndGet();
        RedisHashStore backing = new RedisHashStore(redis, "sor:" + name, 0);
        CacheStore<String, String> refusing = guarded(backing, key -> {
            if (key.equals("poison")) {
                throw new java.io.IOException("constraint violated");
            }
        });
        WriteBehindCache<String, String> cache = ResilientCache.<String, String>builder().store(refusing)
                .buildDurableWriteBehind(WriteBehindConfig.builder().batchSize(10).maxDelay(Duration.ofMillis(10))
                                .maxAttempts(2).backoff(dev.resilience.api.Backoff.fixed(Duration.ofMillis(1))).build(),
                        DurableJournal.of(client, name, ValueCodec.string(), ValueCodec.string()).withConsumer("a"));
        java.util.List<DeadLetter<String, String>> letters = new java.util.concurrent.CopyOnWriteArrayList<>();
        cache.onDeadLetter(letters::add);
        cache.put("good", "g");
        cache.put("poison", "p");
        flushWithin(cache, 20);

        assertThat(redis.hgetall("sor:" + name)).containsOnly(Map.entry("good", "g"));
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.key()).isEqualTo("poison");
            assertThat(letter.value()).isEqualTo("p");
        });
        assertThat(redis.xpending("wb:{" + name + "}", "store-writers").getCount()).isZero();
        assertThat(cache.getIfPresent("poison")).isNull();
        assertThat(cache.writeBehindMetrics().deadLettered()).isEqualTo(1);
        assertThat(cache.close(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aFullJournalRejectsOrBlocksUntilTheStoreMakesRoom() throws Exception {
        String name = "j" + NAMES.incrementAndGet();
        RedisHashStore backing = new RedisHashStore(redis, "sor:" + name, 0);
        CountDownLatch storeOpen = new CountDownLatch(1);
        CacheStore<String, String> stuck = guarded(backing, key -> assertThat(storeOpen.await(30, TimeUnit.SECONDS)).isTrue());
        DurableJournal<String, String> journal = DurableJournal.of(client, name, ValueCodec.string(), ValueCodec.string());
        WriteBehindConfig.Builder config = WriteBehindConfig.builder().batchSize(1).maxDelay(Duration.ofMillis(10)).capacity(3);
        WriteBehindCache<String, String> rejecting = ResilientCache.<String, String>builder().store(stuck)
                .buildDurableWriteBehind(config.overflow(OverflowPolicy.REJECT).build(), journal.withConsumer("r"));
        rejecting.put("a", "1");
        rejecting.put("b", "2");
        rejecting.put("c", "3");   // three entries, none written while the store is stuck: full
        assertThatThrownBy(() -> rejecting.put("x", "4")).isInstanceOf(WriteBufferFullException.class)
                .satisfies(e -> assertThat(((WriteBufferFullException) e).code()).isEqualTo(ErrorCode.WRITE_BUFFER_FULL));
        assertThat(rejecting.writeBehindMetrics().rejected()).isEqualTo(1);
        assertThat(rejecting.get("x")).isNull();   // a refused write is not cached either

        WriteBehindCache<String, String> blocking = ResilientCache.<String, String>builder().store(stuck)
                .buildDurableWriteBehind(config.overflow(OverflowPolicy.BLOCK).blockTimeout(Duration.ofSeconds(20)).build(),
                        journal.withConsumer("b"));
        CompletableFuture<Void> blocked = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            blocking.put("d", "5");
            blocked.complete(null);
        });
        writer.start();
        // The writer waits for room: seen in its clock sleep between appends to the full journal.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Arrays.stream(writer.getStackTrace()).noneMatch(frame -> frame.getMethodName().equals("sleep")
                && frame.getClassName().equals("dev.resilience.api.SystemClock"))) {
            assertThat(System.nanoTime() - deadline).as("the writer should be waiting for room").isNegative();
            Thread.onSpinWait();
        }
        assertThat(blocked).isNotDone();
        storeOpen.countDown();
        blocked.get(20, TimeUnit.SECONDS);
        flushWithin(blocking, 20);
        assertThat(redis.hgetall("sor:" + name)).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "3"),
                Map.entry("d", "5"));

        assertThatThrownBy(() -> ResilientCache.<String, String>builder().store(backing)
                .buildDurableWriteBehind(config.overflow(OverflowPolicy.WRITE_THROUGH).build(), journal))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflow").hasMessageContaining("WRITE_THROUGH");
        assertThat(rejecting.close(Duration.ofSeconds(10))).isTrue();
        assertThat(blocking.close(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aWriterKilledWithSigkillLosesNoAcknowledgedWrite(TestRedis testRedis) throws Exception {
        String name = "j" + NAMES.incrementAndGet();
        String hash = "sor:" + name;
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DurableWriterChild.class.getName(), testRedis.uri(), name, hash)
                .redirectError(new File("target/durable-child-" + name + ".log")).start();
        int lastAck = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            CompletableFuture<Integer> acked = CompletableFuture.supplyAsync(() -> {
                int last = -1;
                try {
                    for (String line; last < 300 && (line = out.readLine()) != null; ) {
                        last = Integer.parseInt(line.substring(4));
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return last;
            });
            lastAck = acked.get(60, TimeUnit.SECONDS);
            child.destroyForcibly();   // SIGKILL: no shutdown hook, no close, no flush
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastAck).isGreaterThanOrEqualTo(300);
        Map<String, String> storedAtDeath = redis.hgetall(hash);
        List<StreamMessage<String, String>> journalAtDeath = redis.xrange("wb:{" + name + "}", Range.create("-", "+"));
        assertThat(journalAtDeath).as("acknowledged writes left in the journal at death").isNotEmpty();

        WriteBehindCache<String, String> survivor = open(name, "survivor", new RedisHashStore(redis, hash, 0));
        flushWithin(survivor, 60);

        // Each key's last journaled write: the journal holds what was not yet written at death, the
        // store what was, and the child wrote ever larger numbers to each key.
        Map<String, String> lastJournaled = new HashMap<>(storedAtDeath);
        for (StreamMessage<String, String> entry : journalAtDeath) {
            lastJournaled.merge(entry.getBody().get("k"), entry.getBody().get("p").substring(1),
                    (a, b) -> Integer.parseInt(a) >= Integer.parseInt(b) ? a : b);
        }
        Map<String, String> stored = redis.hgetall(hash);
        assertThat(stored).as("the store ends with each key's last journaled write").isEqualTo(lastJournaled);
        for (int k = 0; k < 20; k++) {
            int lastAckedForKey = lastAck - Math.floorMod(lastAck - k, 20);
            assertThat(Integer.parseInt(stored.get("k" + k))).as("k%d", k).isGreaterThanOrEqualTo(lastAckedForKey);
        }
        assertThat(storedAtDeath).as("the child died with acknowledged writes not yet in the store")
                .isNotEqualTo(lastJournaled);
        assertThat(survivor.close(Duration.ofSeconds(10))).isTrue();
    }
}
