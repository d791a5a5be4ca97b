package dev.resilience.cache;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The system of record behind a cache: the database or service the cache saves calls to.
 *
 * <p>Only {@link #load} is required: a read-only store is a lambda. The bulk methods default to
 * loops over the single ones; a store that can batch (one {@code SELECT ... IN}, one multi-row
 * {@code INSERT}) overrides them, and the read-through {@code getAll} and the write-behind flusher
 * then make one call per batch. {@link #write} and {@link #delete} default to refusing, for stores
 * that are only read.
 *
 * <pre>{@code
 * CacheStore<Long, User> users = new CacheStore<>() {
 *     public User load(Long id) { return dao.find(id); }
 *     public Map<Long, User> loadAll(Collection<? extends Long> ids) { return dao.findAll(ids); }
 *     public void write(Long id, User user) { dao.upsert(user); }
 *     public void delete(Long id) { dao.delete(id); }
 * };
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface CacheStore<K, V> extends CacheLoader<K, V> {

    /**
     * Loads many keys at once.
     *
     * @return the values found; a key missing from the map (or mapped to {@code null}) is absent
     * @throws Exception if the values could not be read
     */
    default Map<K, V> loadAll(Collection<? extends K> keys) throws Exception {
        Map<K, V> found = new HashMap<>();
        for (K key : keys) {
            V value = load(key);
            if (value != null) {
                found.put(key, value);
            }
        }
        return found;
    }

    /**
     * Writes (inserts or replaces) one value.
     *
     * @throws Exception if the write failed; it may be retried, so it should be idempotent
     */
    default void write(K key, V value) throws Exception {
        throw new UnsupportedOperationException("this store is read-only: write(" + key + ")");
    }

    /**
     * Writes many values; on an exception the caller assumes none was written and may retry all.
     *
     * @throws Exception if the write failed
     */
    default void writeAll(Map<? extends K, ? extends V> entries) throws Exception {
        for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
            write(entry.getKey(), entry.getValue());
        }
    }

    /**
     * Deletes one key; deleting a missing key is not an error.
     *
     * @throws Exception if the delete failed; it may be retried, so it should be idempotent
     */
    default void delete(K key) throws Exception {
        throw new UnsupportedOperationException("this store is read-only: delete(" + key + ")");
    }

    /**
     * Deletes many keys; on an exception the caller assumes none was deleted and may retry all.
     *
     * @throws Exception if the delete failed
     */
    default void deleteAll(Collection<? extends K> keys) throws Exception {
        for (K key : keys) {
            delete(key);
        }
    }
}
