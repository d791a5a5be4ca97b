package dev.resilience.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.resilience.api.Clock;
import dev.resilience.api.ErrorCode;
import dev.resilience.api.Scheduler;
import dev.resilience.api.ThrowingRunnable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The one implementation of {@link ResilientCache}. The Caffeine map holds, per key, one of: the
 * value itself (a cache whose hits read no clock), an {@link Entry} (a cached absence, or in a
 * {@linkplain #timed timed} cache every value, with its deadlines) or a {@link Load} in flight;
 * see the interface for why that makes single flight and race-free invalidation one
 * compare-and-set each. Storing the value itself keeps a hit to what a raw Caffeine lookup does
 * plus one type check: no wrapper to read through, and a write allocates nothing of ours.
 */
final class LocalCache<K, V> implements ResilientCache<K, V> {

    private static final int STRIPES = 64;
    private static final long COARSE_TICK = TimeUnit.SECONDS.toNanos(1);

    private final CacheConfig config;
    private final Cache<K, Object> cache;
    private final ConcurrentMap<K, Object> map;
    private final CacheStore<K, V> store;
    private final Predicate<? super K> membership;
    private final WriteBuffer<K, V> behind;
    private final Clock clock;
    private final boolean inlineMisses;
    /**
     * True if a hit must compare the entry's own deadline with the clock: with jitter (each entry
     * has its own TTL) and with refresh-ahead, early refresh or stale serving; such a cache wraps
     * every value in an {@link Entry}. Without these features the map holds values as they are,
     * Caffeine expires them on the TTL (reading the clock on each hit, as a raw Caffeine does), and
     * a hit reads no clock of ours: absences, whose TTL is shorter, are entries checked on their
     * own hits.
     *
     * <p>A timed cache reads the clock itself on each hit, so it spares Caffeine a second read:
     * Caffeine, which then only frees the memory of expired entries, gets the {@link #coarseNanos
     * coarse} ticker and one fixed TTL, the longest any entry may live plus two ticks (Caffeine's
     * per-entry expiry would cost more on each read than the clock). An entry past its
     * own deadline but not yet dropped is never served as fresh: the hit's check decides.
     *
     * <p>Caffeine does not move a write time by less than a second, so in an untimed cache a value
     * installed over its load marker within a second counts Caffeine's TTL from when the load
     * started: it may be dropped up to its load time (at most a second) early, never late.
     */
    private final boolean timed;
    /**
     * The clock as last read by this cache, moved forward at most once per {@link #COARSE_TICK}:
     * a timed cache's Caffeine ticker, a volatile read instead of a clock read. It lags the clock
     * by at most a tick while the cache is used (an idle cache expires nothing until its next
     * read or write, which is also when Caffeine does its upkeep).
     */
    private volatile long coarseNanos;
    private final long ttlNanos;
    private final long absentTtlNanos;
    private final long staleNanos;
    private final long refreshAheadNanos;
    private final long loadTimeoutNanos;
    /** XFetch is on: a hit draws whether to refresh early, so it cannot take the short path. */
    private final boolean earlyRefresh;
    private final ReentrantLock[] writeLocks = new ReentrantLock[STRIPES];

    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder absentsCached = new LongAdder();
    private final LongAdder filtered = new LongAdder();
    private final LongAdder refreshes = new LongAdder();
    private final LongAdder staleServed = new LongAdder();

    LocalCache(CacheConfig config, CacheStore<K, V> store, Predicate<? super K> membership,
            WriteBuffer<K, V> behind) {
        this(config, store, membership, behind, false);
    }

    /**
     * @param inlineMisses run a load whose caller waits for it (a miss) in the caller's thread,
     *        saving the hand-off when the "store" is itself a fast remote cache; background
     *        refreshes still go to the executor. The caller that runs the load cannot time out;
     *        callers joining it still do.
     */
    LocalCache(CacheConfig config, CacheStore<K, V> store, Predicate<? super K> membership,
            WriteBuffer<K, V> behind, boolean inlineMisses) {
        this.inlineMisses = inlineMisses;
        this.config = config;
        this.store = store;
        this.membership = membership;
        this.behind = behind;
        this.clock = config.clock();
        this.timed = config.timedHits();
        this.ttlNanos = config.ttl().toNanos();
        this.absentTtlNanos = config.absentTtl().toNanos();
        this.staleNanos = config.staleOnError().toNanos();
        this.refreshAheadNanos = config.refreshAhead().toNanos();
        this.loadTimeoutNanos = config.loadTimeout().toNanos();
        this.earlyRefresh = config.earlyRefreshBeta() > 0;
        long longestTtl = (long) Math.ceil(ttlNanos * (1 + config.jitter())) + staleNanos;
        this.coarseNanos = clock.nanoTime();
        Ticker ticker;
        if (timed) {
            ticker = () -> coarseNanos;
            // Caffeine's write time may trail the real one by the ticker's lag (a tick) plus its
            // own write-time tolerance (a second): never dropped before its own deadline.
            longestTtl = Math.addExact(longestTtl, 2 * COARSE_TICK);
        } else {
            // Caffeine reads its ticker on every hit: its own system ticker there saves the call
            // through our clock (about 1 ns of a 35 ns hit) when the clock is the system's anyway.
            ticker = clock == Clock.system() ? Ticker.systemTicker() : clock::nanoTime;
        }
        Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(config.maximumSize())
                .ticker(ticker).expireAfterWrite(Duration.ofNanos(longestTtl));
        if (inlineMisses) {
            builder.executor(Runnable::run);   // misses are already done in the caller: no pool wake-up per miss
        }
        this.cache = builder.build();
        this.map = cache.asMap();
        for (int i = 0; i < STRIPES; i++) {
            writeLocks[i] = new ReentrantLock();
        }
    }

    // ---- reads -------------------------------------------------------------------------------

    @Override
    public V get(K key) {
        return get(key, requireStore());
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(K key, CacheLoader<? super K, ? extends V> loader) {
        Object found = cache.getIfPresent(key);
        if (found != null && !(found instanceof Marker)) {
            return (V) found;   // the hit of an untimed cache: the value itself
        }
        if (found instanceof Entry && !earlyRefresh) {
            // The hit of a timed cache: fresh and no refresh due. (XFetch's draw is left to the
            // lookup, so that each hit draws once.)
            Entry<V> entry = (Entry<V>) found;
            long now = now();
            if (now < entry.freshUntil && now < entry.refreshAt) {
                return entry.value;
            }
        } else if (found instanceof PendingSlot) {
            return ((PendingSlot<V>) found).value();   // a write-behind key with writes pending
        }
        return resolve(key, found, loader);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getIfPresent(K key) {
        Object found = cache.getIfPresent(key);
        if (!(found instanceof Marker)) {
            return (V) found;   // the value itself, or null when nothing is cached
        }
        if (found instanceof PendingSlot) {
            return ((PendingSlot<V>) found).value();
        }
        Entry<V> entry = found instanceof Load ? ((Load<V>) found).previous : (Entry<V>) found;
        // An absence answers null whether fresh or not, without reading the clock.
        return entry != null && entry.value != null && now() < entry.freshUntil ? entry.value : null;
    }

    private V resolve(K key, Object found, CacheLoader<? super K, ? extends V> loader) {
        Object result = lookup(key, found, loader, null);
        return result instanceof Load ? await(key, asLoad(result)) : valueOf(result);
    }

    @Override
    public Map<K, V> getAll(Collection<? extends K> keys) {
        CacheStore<K, V> source = requireStore();
        Map<K, Object> found = new LinkedHashMap<>();
        Map<K, Load<V>> batch = new LinkedHashMap<>();
        for (K key : keys) {
            if (!found.containsKey(key)) {
                found.put(key, lookup(key, cache.getIfPresent(key), source, batch));
            }
        }
        if (!batch.isEmpty()) {
            startBatch(batch, source);
        }
        Map<K, V> values = new LinkedHashMap<>();
        for (Map.Entry<K, Object> e : found.entrySet()) {
            Object result = e.getValue();
            V value = result instanceof Load ? await(e.getKey(), asLoad(result)) : valueOf(result);
            if (value != null) {
                values.put(e.getKey(), value);
            }
        }
        return values;
    }

    /**
     * The value or entry to serve now, or the load to wait for. A load this call must start is
     * started at once, or, when {@code batch} is given, added to it unstarted so one store call
     * serves all.
     */
    private Object lookup(K key, Object found, CacheLoader<? super K, ? extends V> loader, Map<K, Load<V>> batch) {
        for (Object current = found; ; current = cache.getIfPresent(key)) {
            Entry<V> previous = null;
            if (current instanceof Entry) {
                Entry<V> entry = asEntry(current);
                long now = now();
                if (now < entry.freshUntil) {
                    if (refreshDue(entry, now)) {
                        refresh(key, entry, loader);
                    }
                    return entry;
                }
                previous = entry;   // past its TTL, kept only to be served if the reload fails
            } else if (current instanceof Load) {
                Load<V> load = asLoad(current);
                Entry<V> old = load.previous;
                return old != null && now() < old.freshUntil ? old : load;
            } else if (current != null) {
                return current;   // the value itself, or a write-behind key's pending writes
            }
            Load<V> load = new Load<>(previous);
            boolean won = previous == null ? map.putIfAbsent(key, load) == null : map.replace(key, previous, load);
            if (won) {
                loads.increment();
                if (batch == null) {
                    start(key, load, loader);
                } else {
                    batch.put(key, load);
                }
                return load;
            }
        }
    }

    /** Refresh-ahead or XFetch: reload in the background while the current value keeps serving. */
    private boolean refreshDue(Entry<V> entry, long now) {
        if (now >= entry.refreshAt) {
            return true;
        }
        double beta = config.earlyRefreshBeta();
        // XFetch (Vattani et al., 2015): refresh when now − Δ·β·ln(U) ≥ expiry, U uniform in (0, 1].
        return beta > 0 && now - entry.loadNanos * beta * Math.log(1.0 - config.random().nextDouble()) >= entry.freshUntil;
    }

    private void refresh(K key, Entry<V> entry, CacheLoader<? super K, ? extends V> loader) {
        Load<V> load = new Load<>(entry);
        if (map.replace(key, entry, load)) {
            refreshes.increment();
            loads.increment();
            start(key, load, loader);
        }
    }

    private void start(K key, Load<V> load, CacheLoader<? super K, ? extends V> loader) {
        scheduleTimeout(key, load);
        execute(() -> {
            long started = now();
            Object answer;
            try {
                answer = pendingOrFiltered(key);
                if (answer == null) {
                    answer = loader.load(key);
                }
            } catch (Exception | Error e) {
                fail(key, load, new CacheLoadException(ErrorCode.CACHE_LOAD_FAILED, "loading " + key + " failed: " + e, e));
                return;
            }
            complete(key, load, answer, now() - started);
        }, key, load);
    }

    private void startBatch(Map<K, Load<V>> batch, CacheStore<K, V> source) {
        batch.forEach(this::scheduleTimeout);
        Map<K, Load<V>> own = new LinkedHashMap<>(batch);
        execute(() -> {
            long started = now();
            List<K> toStore = new ArrayList<>(own.size());
            for (Map.Entry<K, Load<V>> e : own.entrySet()) {
                Object pending = pendingOrFiltered(e.getKey());
                if (pending == null) {
                    toStore.add(e.getKey());
                } else {
                    complete(e.getKey(), e.getValue(), pending, 0);
                }
            }
            if (toStore.isEmpty()) {
                return;
            }
            Map<K, V> loaded;
            try {
                loaded = source.loadAll(toStore);
            } catch (Exception | Error e) {
                for (K key : toStore) {
                    fail(key, own.get(key), new CacheLoadException(ErrorCode.CACHE_LOAD_FAILED,
                            "loading " + toStore.size() + " keys failed: " + e, e));
                }
                return;
            }
            long took = now() - started;
            for (K key : toStore) {
                complete(key, own.get(key), loaded.get(key), took);
            }
        }, null, null);
    }

    /**
     * What answers {@code key} without the store: a write-behind key's writes not yet flushed (so
     * reads see pending writes), or the membership filter's "absent"; {@code null} if the store must.
     */
    private Object pendingOrFiltered(K key) {
        if (behind != null) {
            PendingSlot<V> pending = behind.pending(key);
            if (pending != null) {
                return pending;
            }
        }
        if (membership != null && !membership.test(key)) {
            filtered.increment();
            return Filtered.INSTANCE;
        }
        return null;
    }

    private void execute(Runnable task, K key, Load<V> load) {
        if (inlineMisses && (load == null || load.previous == null)) {
            task.run();
            return;
        }
        try {
            config.executor().execute(task);
        } catch (RejectedExecutionException e) {
            CacheLoadException failure = new CacheLoadException(ErrorCode.CACHE_LOAD_FAILED,
                    "the load executor refused the load", e);
            if (load != null) {
                fail(key, load, failure);
            } else {
                throw failure;
            }
        }
    }

    private void scheduleTimeout(K key, Load<V> load) {
        load.timeout = config.scheduler().schedule(() -> {
            if (!load.future.isDone()) {
                timeouts.increment();
                fail(key, load, new CacheLoadException(ErrorCode.TIMEOUT,
                        "loading " + key + " took longer than " + config.loadTimeout(), null));
            }
        }, loadTimeoutNanos);
    }

    /**
     * Finishes a load with its answer: the store's value ({@code null}: absent), the filter's
     * "absent", or a write-behind key's pending writes, which the cache then holds as they are so
     * that later writes of the key reach reads without touching the cache.
     */
    @SuppressWarnings("unchecked")
    private void complete(K key, Load<V> load, Object answer, long loadNanos) {
        if (answer instanceof PendingSlot) {
            PendingSlot<V> pending = (PendingSlot<V>) answer;
            // Installs only if this load's marker is still there: an invalidation or a write in
            // the meantime removed or replaced it, and then this (possibly stale) answer must not
            // win. Pending writes the flusher closed meanwhile (written, or dead-lettered) are
            // dropped again, before or after the install, so the next read asks the store: the
            // flusher settles only what it finds in the map after closing them.
            if (!pending.closed() && map.replace(key, load, pending) && pending.closed()) {
                map.remove(key, pending);
            }
            map.remove(key, load);
            load.finish(pending.value());
            return;
        }
        V value = answer == Filtered.INSTANCE ? null : (V) answer;
        if (value == null) {
            absentsCached.increment();
        }
        // Installs only if this load's marker is still there (see above).
        map.replace(key, load, slot(value, loadNanos));
        load.finish(value);
    }

    private void fail(K key, Load<V> load, CacheLoadException failure) {
        if (load.future.isDone()) {
            return;
        }
        Entry<V> previous = load.previous;
        long now = now();
        if (previous != null && now < previous.hardExpiry) {
            if (now >= previous.freshUntil) {
                staleServed.increment();
            }
            map.replace(key, load, previous);
            load.finish(previous.value);
            return;
        }
        loadFailures.increment();
        map.remove(key, load);
        load.fail(failure);
    }

    private V await(K key, Load<V> load) {
        try {
            return load.future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheLoadException(ErrorCode.INTERRUPTED, "interrupted while loading " + key, e);
        } catch (ExecutionException e) {
            // Rethrown per caller, so each waiter's stack trace shows where it waited.
            CacheLoadException cause = (CacheLoadException) e.getCause();
            throw new CacheLoadException(cause.code(), cause.getMessage(), cause.getCause());
        }
    }

    // ---- writes ------------------------------------------------------------------------------

    @Override
    public void put(K key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null; use remove(" + key + ")");
        }
        if (behind != null) {
            behind.write(key, value);
            return;
        }
        ReentrantLock lock = writeLock(key);
        lock.lock();
        try {
            if (store != null) {
                writeToStore(key, () -> store.write(key, value));
            }
            install(key, value);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void remove(K key) {
        if (behind != null) {
            behind.write(key, null);
            return;
        }
        ReentrantLock lock = writeLock(key);
        lock.lock();
        try {
            if (store != null) {
                writeToStore(key, () -> store.delete(key));
            }
            install(key, null);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts a written value (or, for {@code null}, an absence) in place of whatever the key holds,
     * including a load in flight, which then installs nothing.
     */
    void install(K key, V value) {
        map.put(key, slot(value, 0));
    }

    /** Puts a write-behind key's newly buffered writes in place of whatever it holds, a load in flight included. */
    void installPending(K key, PendingSlot<V> pending) {
        map.put(key, pending);
    }

    /**
     * Replaces closed pending writes with the value they wrote, or, if they were dead-lettered,
     * drops them so the next read asks the store; nothing happens if the key holds something else.
     */
    void settle(K key, PendingSlot<V> pending, boolean written) {
        if (written) {
            map.replace(key, pending, slot(pending.value(), 0));
        } else {
            map.remove(key, pending);
        }
    }

    private static <K> void writeToStore(K key, ThrowingRunnable<Exception> write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheWriteException("writing " + key + " to the store failed: " + e, e);
        }
    }

    private ReentrantLock writeLock(K key) {
        int h = key.hashCode();
        return writeLocks[(h ^ (h >>> 16)) & (STRIPES - 1)];
    }

    @Override
    public void invalidate(K key) {
        map.remove(key);
    }

    @Override
    public void invalidateAll() {
        cache.invalidateAll();
    }

    @Override
    public <X extends Throwable> void invalidateAfter(K key, ThrowingRunnable<X> storeWrite) throws X {
        try {
            storeWrite.run();
        } finally {
            invalidate(key);
        }
    }

    /** Runs Caffeine's pending upkeep (expiry, eviction) now: for tests, which cannot wait for its executor. */
    void cleanUp() {
        cache.cleanUp();
    }

    @Override
    public CacheMetrics metrics() {
        return new CacheMetrics(loads.sum(), loadFailures.sum(), timeouts.sum(), absentsCached.sum(),
                filtered.sum(), refreshes.sum(), staleServed.sum(), cache.estimatedSize());
    }

    @Override
    public CacheConfig config() {
        return config;
    }

    // ---- what the map holds ---------------------------------------------------------------------

    /**
     * What the map holds for a loaded or written value: the value itself where hits read no
     * clock, else (and for an absence) an entry with its deadlines.
     */
    private Object slot(V value, long loadNanos) {
        return value != null && !timed ? value : newEntry(value, loadNanos);
    }

    private Entry<V> newEntry(V value, long loadNanos) {
        long now = now();
        long freshUntil = now + jittered(value == null ? absentTtlNanos : ttlNanos);
        long refreshAt = refreshAheadNanos > 0 ? now + refreshAheadNanos : Long.MAX_VALUE;
        return new Entry<>(value, freshUntil, freshUntil + staleNanos, refreshAt, loadNanos);
    }

    private long jittered(long nanos) {
        double jitter = config.jitter();
        return jitter == 0 ? nanos : (long) (nanos * (1 + jitter * (2 * config.random().nextDouble() - 1)));
    }

    /** The clock, read for a decision; also moves the coarse ticker when a tick has passed. */
    private long now() {
        long now = clock.nanoTime();
        if (now - coarseNanos >= COARSE_TICK) {
            coarseNanos = now;   // a write at most once per tick, so hits on many threads share the line
        }
        return now;
    }

    private CacheStore<K, V> requireStore() {
        if (store == null) {
            throw new IllegalStateException("this cache has no store: use get(key, loader), or set builder.store(...)");
        }
        return store;
    }

    /** The value a slot other than a load answers: an entry's, the pending writes', or the slot itself. */
    @SuppressWarnings("unchecked")
    private V valueOf(Object slot) {
        if (slot instanceof Entry) {
            return ((Entry<V>) slot).value;
        }
        return slot instanceof PendingSlot ? ((PendingSlot<V>) slot).value() : (V) slot;
    }

    @SuppressWarnings("unchecked")
    private Entry<V> asEntry(Object entry) {
        return (Entry<V>) entry;
    }

    @SuppressWarnings("unchecked")
    private Load<V> asLoad(Object load) {
        return (Load<V>) load;
    }

    /**
     * What the map holds that is not a value itself: an {@link Entry}, a {@link Load} or a
     * {@link PendingSlot}. They are package-private, so a caller's value is never one of them.
     */
    abstract static class Marker {
    }

    /** A cached value ({@code null} for a cached absence) and its deadlines on the clock. */
    static final class Entry<V> extends Marker {
        final V value;
        final long freshUntil;
        /** When Caffeine drops it: {@code freshUntil} plus the stale-on-error bound. */
        final long hardExpiry;
        final long refreshAt;
        /** How long the load that produced it took: XFetch's Δ. */
        final long loadNanos;

        Entry(V value, long freshUntil, long hardExpiry, long refreshAt, long loadNanos) {
            this.value = value;
            this.freshUntil = freshUntil;
            this.hardExpiry = hardExpiry;
            this.refreshAt = refreshAt;
            this.loadNanos = loadNanos;
        }
    }

    /** A load in flight; its identity is the per-key version a finished load must still find. */
    static final class Load<V> extends Marker {
        final CompletableFuture<V> future = new CompletableFuture<>();
        /** The value being refreshed or reloaded, served meanwhile while fresh, or on failure within the stale bound. */
        final Entry<V> previous;
        volatile Scheduler.Task timeout;

        Load(Entry<V> previous) {
            this.previous = previous;
        }

        void finish(V value) {
            future.complete(value);
            cancelTimeout();
        }

        void fail(CacheLoadException failure) {
            future.completeExceptionally(failure);
            cancelTimeout();
        }

        private void cancelTimeout() {
            Scheduler.Task task = timeout;
            if (task != null) {
                task.cancel();
            }
        }
    }

    /** The membership filter's "no such key". */
    private enum Filtered {
        INSTANCE
    }
}
