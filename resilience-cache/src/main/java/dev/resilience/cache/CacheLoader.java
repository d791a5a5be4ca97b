package dev.resilience.cache;

/**
 * Loads one value for a cache miss: the loader of cache-aside reads, and the read half of a
 * {@link CacheStore}.
 *
 * <pre>{@code
 * User user = cache.get(id, key -> userDao.find(key));   // null means "no such user"
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface CacheLoader<K, V> {

    /**
     * Loads the value of {@code key}.
     *
     * @return the value, or {@code null} if the key does not exist (cached as absent)
     * @throws Exception if the value could not be read; the caller sees a {@link CacheLoadException}
     */
    V load(K key) throws Exception;
}
