package dev.resilience.cache;

/**
 * A buffered write that could not be written to the store after all its attempts (or was still
 * pending when {@code close} gave up). The cache no longer holds it; the application decides
 * what to do with it (park it in a table, alert, replay).
 *
 * <pre>{@code
 * cache.onDeadLetter(letter -> parking.save(letter.key(), letter.value(), letter.error()));
 * }</pre>
 *
 * @param key the key written
 * @param value the value, or {@code null} for a delete
 * @param delete true if the write was a delete
 * @param error the last failure (for a close that gave up, a {@code TIMEOUT} exception)
 * @param attempts how many times the store was asked
 * @param <K> the key type
 * @param <V> the value type
 */
public record DeadLetter<K, V>(K key, V value, boolean delete, Throwable error, int attempts) {
}
