package dev.resilience.cache;

import dev.resilience.api.ThrowingRunnable;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * The read side every write-behind mode shares: a {@link LocalCache} that routes its writes to
 * the subclass (as its {@link WriteBuffer}) and asks it for pending writes before loading.
 */
abstract class DelegatingWriteBehindCache<K, V> implements WriteBehindCache<K, V>, WriteBuffer<K, V> {

    /** Set once by the factory that builds the subclass, before the cache is handed out. */
    LocalCache<K, V> cache;

    @Override
    public V get(K key) {
        return cache.get(key);
    }

    @Override
    public V get(K key, CacheLoader<? super K, ? extends V> loader) {
        return cache.get(key, loader);
    }

    @Override
    public Map<K, V> getAll(Collection<? extends K> keys) {
        return cache.getAll(keys);
    }

    @Override
    public V getIfPresent(K key) {
        return cache.getIfPresent(key);
    }

    @Override
    public void put(K key, V value) {
        cache.put(key, value);
    }

    @Override
    public void remove(K key) {
        cache.remove(key);
    }

    @Override
    public void invalidate(K key) {
        cache.invalidate(key);
    }

    @Override
    public void invalidateAll() {
        cache.invalidateAll();
    }

    @Override
    public <X extends Throwable> void invalidateAfter(K key, ThrowingRunnable<X> storeWrite) throws X {
        cache.invalidateAfter(key, storeWrite);
    }

    @Override
    public CacheMetrics metrics() {
        return cache.metrics();
    }

    @Override
    public CacheConfig config() {
        return cache.config();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
