package dev.resilience.cache;

import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.EventListener;
import dev.resilience.api.ResilienceException;
import dev.resilience.api.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-behind buffer and its flusher; reads are the {@link LocalCache}'s, which asks
 * {@link #pending} before loading so reads see buffered writes.
 *
 * <p>State: {@code pending} maps each buffered key to its {@link PendingSlot}, which the cache
 * holds too; the MPSC queue holds each buffered key once (a key is offered when its slot is made,
 * and offered again by the flusher if a newer write arrived while the older one was being
 * written). The first write of a clean key makes the slot (a map insert, a queue offer and a cache
 * put); every later write until the flusher closes it is a lookup and a compare-and-set on the
 * slot, which the cache already shows to readers.
 */
final class WriteBehindBuffer<K, V> extends DelegatingWriteBehindCache<K, V> implements StoreWriter.Outcome<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehindBuffer.class);
    /** The flusher's longest real-time park while a batch fills: how quickly it notices a manual clock move. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long NONE = Long.MIN_VALUE;

    private final WriteBehindConfig config;
    private final CacheStore<K, V> store;
    private final Clock clock;
    private final ConcurrentHashMap<K, PendingSlot<V>> pending = new ConcurrentHashMap<>();
    private final MpscUnboundedArrayQueue<K> queue = new MpscUnboundedArrayQueue<>(1024);
    private final AtomicInteger size = new AtomicInteger();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> flushRequests = new ConcurrentLinkedQueue<>();
    private final StoreWriter<K, V> writer;
    private final Thread flusher;
    private volatile boolean closing;
    private volatile boolean stopped;
    /** When the oldest batch not yet written started waiting, on the clock; NONE when idle. */
    private final AtomicLong waitingSince = new AtomicLong(NONE);

    private final LongAdder coalesced = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder writtenThrough = new LongAdder();

    private WriteBehindBuffer(WriteBehindConfig config, CacheStore<K, V> store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.writer = new StoreWriter<>(config, store, clock);
        this.flusher = new Thread(this::runFlusher, "resilience-write-behind-" + config.name());
        this.flusher.setDaemon(true);
    }

    static <K, V> WriteBehindBuffer<K, V> create(CacheConfig cacheConfig, CacheStore<K, V> store,
            Predicate<? super K> membership, WriteBehindConfig config) {
        WriteBehindBuffer<K, V> buffer = new WriteBehindBuffer<>(config, store, cacheConfig.clock());
        buffer.cache = new LocalCache<>(cacheConfig, store, membership, buffer);
        buffer.flusher.start();
        return buffer;
    }

    @Override
    public PendingSlot<V> pending(K key) {
        return pending.get(key);
    }

    // ---- the writers' side ---------------------------------------------------------------------

    @Override
    public void write(K key, V value) {
        if (closing) {
            throw new IllegalStateException("write-behind cache '" + config.name() + "' is closed; " + key + " not written");
        }
        PendingWrite<V> next = new PendingWrite<>(value, null);
        for (;;) {
            PendingSlot<V> slot = pending.get(key);
            if (slot != null) {
                PendingWrite<V> replaced = slot.offer(next);
                if (replaced != null) {
                    if (replaced.supersede()) {
                        coalesced.increment();
                    }
                    return;
                }
                retire(key, slot);   // closed: its write is in the store; this one starts a new slot
                continue;
            }
            int count = reserve(key, value);
            if (count < 0) {
                return;   // written through
            }
            PendingSlot<V> fresh = new PendingSlot<>(next);
            if (pending.putIfAbsent(key, fresh) == null) {
                queue.offer(key);
                cache.installPending(key, fresh);
                if (pending.get(key) != fresh) {
                    // The flusher wrote and closed this slot, and a newer write made the next one,
                    // before this install: the cache may now hold the closed slot over the newer
                    // one, so it is dropped and the next read finds the newer slot.
                    cache.invalidate(key);
                }
                if (count == 1) {
                    // The first write into an empty buffer starts the max-delay window: one clock
                    // read per idle-to-busy transition, none on a busy buffer's puts.
                    waitingSince.compareAndSet(NONE, clock.nanoTime());
                    LockSupport.unpark(flusher);
                } else if (count == config.batchSize()) {
                    LockSupport.unpark(flusher);
                }
                return;
            }
            size.decrementAndGet();
        }
    }

    /** Forgets a closed slot and frees its place; whoever removes it (flusher or a writer) frees it once. */
    private void retire(K key, PendingSlot<V> slot) {
        if (pending.remove(key, slot)) {
            size.decrementAndGet();
        }
    }

    /** Takes a place for a new key: the number of keys now buffered, or -1 if the overflow policy wrote it through. */
    private int reserve(K key, V value) {
        Integer count = tryReserve();
        if (count != null) {
            return count;
        }
        if (config.overflow() == OverflowPolicy.WRITE_THROUGH) {
            writeThrough(key, value);
            return -1;
        }
        return Overflow.awaitRoom(config, clock, key, POLL_NANOS / 10, rejected, this::tryReserve);
    }

    /** Takes a place if there is one: the number of keys now buffered, or {@code null}. */
    private Integer tryReserve() {
        int count = size.incrementAndGet();
        if (count <= config.capacity()) {
            return count;
        }
        size.decrementAndGet();
        return null;
    }

    private void writeThrough(K key, V value) {
        try {
            if (value == null) {
                store.delete(key);
            } else {
                store.write(key, value);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheWriteException("writing " + key + " through (buffer full) failed: " + e, e);
        }
        writtenThrough.increment();
        cache.install(key, value);
    }

    // ---- the flusher ---------------------------------------------------------------------------

    private void runFlusher() {
        try {
            while (true) {
                boolean draining = closing || !flushRequests.isEmpty();
                List<CompletableFuture<Void>> requests = draining ? takeFlushRequests() : List.of();
                if (draining) {
                    while (!queue.isEmpty()) {
                        writeBatch();
                    }
                    waitingSince.set(NONE);
                    requests.forEach(request -> request.complete(null));
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                if (queue.isEmpty()) {
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                    continue;
                }
                long now = clock.nanoTime();
                waitingSince.compareAndSet(NONE, now);   // a write whose stamp an idle reset overwrote
                long waited = now - waitingSince.get();
                if (queue.size() >= config.batchSize() || waited >= config.maxDelay().toNanos()) {
                    long seen = waitingSince.get();
                    writeBatch();
                    // Keys still queued are timed from this batch's start, which is no later than their
                    // arrival, so they are flushed early rather than late. A stamp a writer made
                    // during the batch makes the compare-and-set fail and stands.
                    waitingSince.compareAndSet(seen, queue.isEmpty() ? NONE : now);
                } else {
                    LockSupport.parkNanos(this, Math.min(POLL_NANOS, config.maxDelay().toNanos() - waited));
                }
            }
        } catch (Throwable t) {
            LOG.error("write-behind flusher '{}' stopped by an unexpected failure; pending writes will be dead-lettered at close",
                    config.name(), t);
        } finally {
            stopped = true;
            takeFlushRequests().forEach(request -> request.complete(null));
        }
    }

    private List<CompletableFuture<Void>> takeFlushRequests() {
        List<CompletableFuture<Void>> taken = new ArrayList<>();
        for (CompletableFuture<Void> request; (request = flushRequests.poll()) != null; ) {
            taken.add(request);
        }
        return taken;
    }

    /** Takes up to a batch of keys and writes their latest writes: puts in one call, deletes in another. */
    private void writeBatch() {
        Map<K, PendingWrite<V>> puts = StoreWriter.batchMap(Math.min(config.batchSize(), queue.size()));
        Map<K, PendingWrite<V>> deletes = new LinkedHashMap<>();
        for (K key; puts.size() + deletes.size() < config.batchSize() && (key = queue.poll()) != null; ) {
            PendingWrite<V> write = take(key);
            if (write == null) {
                continue;   // dead-lettered by a close that gave up
            }
            (write.value == null ? deletes : puts).put(key, write);
        }
        writer.write(puts, deletes, this);
    }

    /** The latest write of {@code key}, marked as taken so a write replacing it later is not counted as coalesced. */
    private PendingWrite<V> take(K key) {
        PendingSlot<V> slot = pending.get(key);
        if (slot == null) {
            return null;
        }
        for (;;) {
            PendingWrite<V> write = slot.latest();
            if (write == null || write.take()) {
                return write;   // null: closed by a close that gave up and dead-lettered it
            }
        }
    }

    /** The write reached the store: close its slot and show the value, unless a newer write of the key arrived meanwhile. */
    @Override
    public void written(K key, PendingWrite<V> write) {
        settle(key, write, true);
    }

    /** The write is being dead-lettered: close its slot and drop it from the cache, for the store never got it. */
    @Override
    public void failed(K key, PendingWrite<V> write) {
        settle(key, write, false);
    }

    private void settle(K key, PendingWrite<V> write, boolean written) {
        PendingSlot<V> slot = pending.get(key);
        if (slot == null || !close(key, slot, write, written)) {
            queue.offer(key);   // a newer write supersedes this one: it is written next
        }
    }

    /**
     * Closes {@code slot} on {@code write}, forgets it and shows the cache the outcome (the value
     * written, or nothing if it was dead-lettered); false if a newer write arrived meanwhile.
     */
    private boolean close(K key, PendingSlot<V> slot, PendingWrite<V> write, boolean written) {
        if (!slot.close(write)) {
            return false;
        }
        retire(key, slot);
        cache.settle(key, slot, written);
        return true;
    }

    // ---- flush and close -----------------------------------------------------------------------

    @Override
    public void flush() {
        if (stopped) {
            if (!pending.isEmpty()) {
                throw new IllegalStateException("write-behind cache '" + config.name() + "' has stopped with "
                        + pending.size() + " write(s) pending");
            }
            return;
        }
        CompletableFuture<Void> request = new CompletableFuture<>();
        flushRequests.add(request);
        LockSupport.unpark(flusher);
        try {
            request.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.INTERRUPTED, "interrupted while flushing " + config.name(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("flush of " + config.name() + " failed", e.getCause());
        }
    }

    @Override
    public boolean close(Duration deadline) {
        closing = true;
        LockSupport.unpark(flusher);
        try {
            // A real-time wait, not one on the clock: the drain is real work by a real thread, and a
            // manual clock would let a test's close give up before the flusher had a chance.
            TimeUnit.NANOSECONDS.timedJoin(flusher, deadline.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean drained = !flusher.isAlive() && pending.isEmpty();
        if (flusher.isAlive()) {
            flusher.interrupt();   // stops a back-off sleep; a store call in progress finishes or not
        }
        // Whatever is still pending is reported, never dropped: a write finishing concurrently in
        // the flusher may be reported too, which errs on the side of telling.
        for (Map.Entry<K, PendingSlot<V>> e : pending.entrySet()) {
            PendingSlot<V> slot = e.getValue();
            for (PendingWrite<V> write; (write = slot.latest()) != null; ) {
                if (close(e.getKey(), slot, write, false)) {
                    writer.deadLetter(e.getKey(), write, new ResilienceException(ErrorCode.TIMEOUT,
                            "write-behind '" + config.name() + "' closed before this write reached the store"), 0);
                }
            }
        }
        return drained;
    }

    @Override
    public Subscription onDeadLetter(EventListener<? super DeadLetter<K, V>> listener) {
        return writer.deadLetters.subscribe(listener);
    }

    @Override
    public WriteBehindMetrics writeBehindMetrics() {
        long since = waitingSince.get();
        long lag = since == NONE ? 0 : Math.max(0, clock.nanoTime() - since);
        return new WriteBehindMetrics(size.get(), lag, writer.written.sum(), coalesced.sum(), writer.retried.sum(),
                writer.deadLettered.sum(), rejected.sum(), writtenThrough.sum(), writer.storeCalls.sum());
    }
}
