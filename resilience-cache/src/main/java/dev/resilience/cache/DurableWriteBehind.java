package dev.resilience.cache;

import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.EventListener;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.Subscription;
import dev.resilience.redis.RedisScript;
import io.lettuce.core.Consumer;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable write-behind: a write is acknowledged once appended to a Redis Stream (XADD), and a
 * consumer group writes the stream to the store, acknowledging entries (XACK) only after the
 * store write. A JVM killed with -9 loses no acknowledged write: its unacknowledged entries are
 * taken over (XAUTOCLAIM) by another instance, or by itself after a restart, once idle for
 * {@link DurableJournal#claimIdle()}.
 *
 * <p>The script that appends an entry also records its id as its key's latest version (a hash
 * beside the stream); before writing an entry the consumer checks it is still its key's latest and
 * skips it otherwise, so a replayed or late entry can never overwrite a newer value, and writes
 * coalesce across the whole journal. One consumer writes a batch in stream order, so each key's
 * writes stay in order. Entry ids only grow, so a version is never reused.
 *
 * <p>The journal keeps only what is not yet written: once a batch is written, one script
 * acknowledges and deletes its entries and drops each key's version if no newer write came. The
 * {@linkplain WriteBehindConfig#capacity() capacity} bounds the entries in the journal (each
 * write is one); when it is full, {@link OverflowPolicy#REJECT} refuses a write and
 * {@link OverflowPolicy#BLOCK} waits for room up to the block timeout, then refuses.
 */
final class DurableWriteBehind<K, V> extends DelegatingWriteBehindCache<K, V> implements StoreWriter.Outcome<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(DurableWriteBehind.class);
    private static final String GROUP = "store-writers";
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** KEYS stream, versions; ARGV key, payload ('' for a delete), capacity. The entry id, or nil if the journal is full. */
    private static final RedisScript APPEND = new RedisScript(ScriptOutputType.VALUE,
            "if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[3]) then return false end "
            + "local id = redis.call('XADD', KEYS[1], '*', 'k', ARGV[1], 'p', ARGV[2]) "
            + "redis.call('HSET', KEYS[2], ARGV[1], id) return id");
    /**
     * KEYS stream, versions; ARGV group, n, n entry ids, then (key, id) pairs of the entries the
     * batch wrote. Acknowledges and deletes the entries, and forgets each written key's version
     * unless a newer write of it came meanwhile.
     */
    private static final RedisScript SETTLE = new RedisScript(ScriptOutputType.INTEGER,
            "local n = tonumber(ARGV[2]) "
            + "for i = 3, n + 2 do redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) redis.call('XDEL', KEYS[1], ARGV[i]) end "
            + "for i = n + 3, #ARGV, 2 do "
            + "if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then redis.call('HDEL', KEYS[2], ARGV[i]) end end "
            + "return n");

    private final WriteBehindConfig config;
    private final DurableJournal<K, V> journal;
    private final Clock clock;
    private final String streamKey;
    private final String versionsKey;
    private final StatefulRedisConnection<String, String> appendConnection;
    private final RedisCommands<String, String> appends;
    private final StatefulRedisConnection<String, String> consumeConnection;
    private final RedisCommands<String, String> consumes;
    private final ConcurrentHashMap<K, PendingWrite<V>> overlay = new ConcurrentHashMap<>();
    private final StoreWriter<K, V> writer;
    private final Thread consumer;
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private volatile boolean closing;
    private volatile boolean stopped;

    private DurableWriteBehind(WriteBehindConfig config, DurableJournal<K, V> journal, CacheStore<K, V> store, Clock clock) {
        this.config = config;
        this.journal = journal;
        this.clock = clock;
        this.streamKey = journal.keyPrefix() + ":{" + journal.stream() + "}";
        this.versionsKey = streamKey + ":versions";
        this.writer = new StoreWriter<>(config, store, clock);
        this.appendConnection = journal.redis().connect();
        this.appends = appendConnection.sync();
        // The consumer blocks in XREADGROUP, so it has a connection of its own.
        this.consumeConnection = journal.redis().connect();
        this.consumes = consumeConnection.sync();
        try {
            consumes.xgroupCreate(XReadArgs.StreamOffset.from(streamKey, "0-0"), GROUP, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // the group exists: another instance (or an earlier run) made it
        }
        this.consumer = new Thread(this::runConsumer, "resilience-durable-write-behind-" + config.name());
        this.consumer.setDaemon(true);
    }

    static <K, V> DurableWriteBehind<K, V> create(CacheConfig cacheConfig, CacheStore<K, V> store,
            Predicate<? super K> membership, WriteBehindConfig config, DurableJournal<K, V> journal) {
        DurableWriteBehind<K, V> durable = new DurableWriteBehind<>(config, journal, store, cacheConfig.clock());
        durable.cache = new LocalCache<>(cacheConfig, store, membership, durable);
        durable.consumer.start();
        return durable;
    }

    // ---- appending -----------------------------------------------------------------------------

    @Override
    public void write(K key, V value) {
        if (closing) {
            throw new IllegalStateException("durable write-behind '" + config.name() + "' is closed; " + key + " not written");
        }
        String payload = value == null ? "" : "V" + journal.valueCodec().encode(value);
        String id = append(key, journal.keyCodec().encode(key), payload);
        PendingWrite<V> mine = new PendingWrite<>(value, id);
        // Concurrent writes of one key may reach this map out of journal order: the later entry wins.
        overlay.merge(key, mine, (old, next) -> compareIds(old.journalId, next.journalId) > 0 ? old : next);
        cache.install(key, value);
        if (overlay.get(key) != mine) {
            cache.invalidate(key);   // a newer write overtook this one: reload it from the overlay
        }
    }

    /** Appends to the journal, waiting for room if it is full and the policy blocks; the entry id. */
    private String append(K key, String encodedKey, String payload) {
        String[] keys = {streamKey, versionsKey};
        String capacity = Integer.toString(config.capacity());
        return Overflow.awaitRoom(config, clock, key, POLL_NANOS, rejected, () -> {
            try {
                return APPEND.<String>run(appendConnection, keys, encodedKey, payload, capacity);   // null: full
            } catch (RedisException e) {
                throw new ResilienceException(ErrorCode.REDIS_UNAVAILABLE,
                        "write of " + key + " not acknowledged: the journal could not be appended to", e);
            }
        });
    }

    /**
     * The overlay's write of {@code key} as a slot of its own, never closed: a read that installs
     * it serves its value until the next write of the key replaces it in the cache.
     */
    @Override
    public PendingSlot<V> pending(K key) {
        PendingWrite<V> write = overlay.get(key);
        return write == null ? null : new PendingSlot<>(write);
    }

    // ---- consuming ------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")   // XREADGROUP's varargs of one generic stream offset
    private void runConsumer() {
        Consumer<String> me = Consumer.from(GROUP, journal.consumer());
        long failures = 0;
        while (!stopped) {
            try {
                List<StreamMessage<String, String>> batch = new ArrayList<>(
                        consumes.xautoclaim(streamKey, XAutoClaimArgs.Builder.xautoclaim(me, journal.claimIdle(), "0-0")
                                .count(config.batchSize())).getMessages());
                if (batch.size() < config.batchSize() && !stopped) {
                    batch.addAll(consumes.xreadgroup(me,
                            XReadArgs.Builder.count(config.batchSize() - batch.size()).block(config.maxDelay()),
                            XReadArgs.StreamOffset.lastConsumed(streamKey)));
                }
                if (!batch.isEmpty()) {
                    process(batch);
                }
                forgetWritten();
                failures = 0;
            } catch (RedisException e) {
                if (stopped) {
                    return;
                }
                long delay = config.backoff().delayNanos((int) Math.min(++failures, 30), 0);
                LOG.warn("durable write-behind '{}': the journal is unreachable, retrying in {} ms: {}", config.name(),
                        TimeUnit.NANOSECONDS.toMillis(delay), e.toString());
                LockSupport.parkNanos(this, Math.max(delay, POLL_NANOS));
            }
        }
    }

    /**
     * Writes a batch of entries in stream order: only each key's latest version in the journal is
     * written (older ones are coalesced away, and replays skipped), then every entry is
     * acknowledged and deleted.
     */
    private void process(List<StreamMessage<String, String>> batch) {
        Map<String, StreamMessage<String, String>> latest = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>(batch.size());
        for (StreamMessage<String, String> message : batch) {
            ids.add(message.getId());
            Map<String, String> body = message.getBody();
            if (body == null || body.isEmpty()) {
                continue;   // trimmed or deleted from the stream: nothing to write
            }
            StreamMessage<String, String> seen = latest.get(body.get("k"));
            if (seen == null || compareIds(seen.getId(), message.getId()) < 0) {
                latest.put(body.get("k"), message);
            }
        }
        Map<K, PendingWrite<V>> puts = new LinkedHashMap<>();
        Map<K, PendingWrite<V>> deletes = new LinkedHashMap<>();
        if (!latest.isEmpty()) {
            List<KeyValue<String, String>> versions = consumes.hmget(versionsKey, latest.keySet().toArray(new String[0]));
            int i = 0;
            for (StreamMessage<String, String> message : latest.values()) {
                KeyValue<String, String> current = versions.get(i++);
                if (!current.hasValue() || !current.getValue().equals(message.getId())) {
                    continue;   // a newer write of this key is in the journal: it alone is written
                }
                String payload = message.getBody().get("p");
                K key = journal.keyCodec().decode(message.getBody().get("k"));
                V value = payload.isEmpty() ? null : journal.valueCodec().decode(payload.substring(1));
                (value == null ? deletes : puts).put(key, new PendingWrite<>(value, message.getId()));
            }
        }
        coalesced.add(batch.size() - puts.size() - deletes.size());
        writer.write(puts, deletes, this);
        List<String> args = new ArrayList<>(2 + ids.size() + 2 * latest.size());
        args.add(GROUP);
        args.add(Integer.toString(ids.size()));
        args.addAll(ids);
        for (Map<K, PendingWrite<V>> group : List.of(puts, deletes)) {
            group.forEach((key, write) -> {
                args.add(journal.keyCodec().encode(key));
                args.add(write.journalId);
            });
        }
        SETTLE.run(consumeConnection, new String[] {streamKey, versionsKey}, args.toArray(new String[0]));
    }

    @Override
    public void written(K key, PendingWrite<V> write) {
        // acknowledged with its batch; the overlay forgets it once the group has acknowledged it
    }

    @Override
    public void failed(K key, PendingWrite<V> write) {
        PendingWrite<V> mine = overlay.get(key);
        if (mine != null && mine.journalId.equals(write.journalId) && overlay.remove(key, mine)) {
            cache.invalidate(key);   // the cache must not keep claiming what the store never got
        }
    }

    /** Drops overlay entries the group has acknowledged (whichever instance wrote them). */
    private void forgetWritten() {
        if (overlay.isEmpty()) {
            return;
        }
        String watermark = acknowledgedUpTo(consumes);
        overlay.forEach((key, write) -> {
            if (compareIds(write.journalId, watermark) <= 0) {
                overlay.remove(key, write);
            }
        });
    }

    /**
     * The highest entry id up to which everything is acknowledged: the group's last delivered id,
     * or just under the oldest entry still pending if that is lower. The last delivered id is read
     * first: an entry delivered after that read is above it, so the two reads need not be atomic.
     */
    private String acknowledgedUpTo(RedisCommands<String, String> redis) {
        String delivered = "0-0";
        for (Object group : redis.xinfoGroups(streamKey)) {
            List<?> fields = (List<?>) group;
            if (GROUP.equals(String.valueOf(field(fields, "name")))) {
                delivered = String.valueOf(field(fields, "last-delivered-id"));
            }
        }
        List<PendingMessage> oldest = redis.xpending(streamKey, GROUP, Range.create("-", "+"), Limit.from(1));
        if (oldest.isEmpty()) {
            return delivered;
        }
        String belowPending = previousId(oldest.get(0).getId());
        return compareIds(belowPending, delivered) < 0 ? belowPending : delivered;
    }

    private static Object field(List<?> fields, String name) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (name.equals(String.valueOf(fields.get(i)))) {
                return fields.get(i + 1);
            }
        }
        return null;
    }

    private static String previousId(String id) {
        int dash = id.indexOf('-');
        long millis = Long.parseLong(id.substring(0, dash));
        long sequence = Long.parseLong(id.substring(dash + 1));
        return sequence > 0 ? millis + "-" + (sequence - 1) : (millis - 1) + "-" + Long.MAX_VALUE;
    }

    /** Orders stream entry ids ({@code millis-sequence}). */
    static int compareIds(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int byMillis = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
        return byMillis != 0 ? byMillis
                : Long.compareUnsigned(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
    }

    // ---- flush and close -----------------------------------------------------------------------

    /** Waits until every entry appended to the journal before this call (by any instance) is written. */
    @Override
    public void flush() {
        if (!awaitJournal(Long.MAX_VALUE)) {
            throw new IllegalStateException("durable write-behind '" + config.name() + "' stopped before the journal drained");
        }
    }

    /** Waits in real time until the journal is written up to its current end; false on timeout or stop. */
    private boolean awaitJournal(long timeoutNanos) {
        List<StreamMessage<String, String>> last = appends.xrevrange(streamKey, Range.create("-", "+"), Limit.from(1));
        if (last.isEmpty()) {
            return true;
        }
        String target = last.get(0).getId();
        long waited = 0;
        while (!stopped) {
            if (compareIds(target, acknowledgedUpTo(appends)) <= 0) {
                return true;
            }
            if (waited >= timeoutNanos) {
                return false;
            }
            LockSupport.parkNanos(this, POLL_NANOS);
            waited += POLL_NANOS;
        }
        return false;
    }

    /**
     * Stops accepting writes and waits up to {@code deadline} for the journal to be written. What is
     * left stays in the journal, durable: another instance, or this one restarted, writes it.
     */
    @Override
    public boolean close(Duration deadline) {
        closing = true;
        boolean drained = awaitJournal(deadline.toNanos());
        stopped = true;   // the consumer finishes its batch (acknowledging it) and leaves
        try {
            consumer.join(TimeUnit.SECONDS.toMillis(5) + config.maxDelay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumeConnection.close();
        appendConnection.close();
        return drained;
    }

    @Override
    public Subscription onDeadLetter(EventListener<? super DeadLetter<K, V>> listener) {
        return writer.deadLetters.subscribe(listener);
    }

    @Override
    public WriteBehindMetrics writeBehindMetrics() {
        long oldest = Long.MAX_VALUE;
        for (PendingWrite<V> write : overlay.values()) {
            oldest = Math.min(oldest, Long.parseLong(write.journalId.substring(0, write.journalId.indexOf('-'))));
        }
        long lag = oldest == Long.MAX_VALUE ? 0 : TimeUnit.MILLISECONDS.toNanos(Math.max(0, clock.wallMillis() - oldest));
        return new WriteBehindMetrics(overlay.size(), lag, writer.written.sum(), coalesced.sum(), writer.retried.sum(),
                writer.deadLettered.sum(), rejected.sum(), 0, writer.storeCalls.sum());
    }
}
