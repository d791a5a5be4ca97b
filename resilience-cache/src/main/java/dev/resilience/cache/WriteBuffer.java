package dev.resilience.cache;

/**
 * What a {@link LocalCache} needs of a write-behind mode: where its writes go, and which writes
 * are still pending (so reads see them before the store does).
 */
interface WriteBuffer<K, V> {

    /** Accepts a put ({@code value} non-null) or a delete ({@code null}); returns once acknowledged. */
    void write(K key, V value);

    /** The writes of {@code key} not yet in the store, or {@code null} if there are none. */
    PendingSlot<V> pending(K key);
}
