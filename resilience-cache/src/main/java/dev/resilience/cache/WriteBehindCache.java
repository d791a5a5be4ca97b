package dev.resilience.cache;

import dev.resilience.api.EventListener;
import dev.resilience.api.Subscription;
import java.time.Duration;

/**
 * A {@link ResilientCache} whose {@link #put} and {@link #remove} are acknowledged once buffered;
 * one background flusher writes them to the store in batches.
 *
 * <pre>{@code
 * WriteBehindCache<Long, Counter> counters = ResilientCache.<Long, Counter>builder()
 *         .store(counterStore)
 *         .buildWriteBehind(WriteBehindConfig.builder().batchSize(500).maxDelay(Duration.ofMillis(200)).build());
 * counters.onDeadLetter(letter -> log.error("lost write {}", letter));
 * counters.put(7L, counter);                 // a clean key: a map insert and a queue offer; a buffered one: a CAS
 * counters.close(Duration.ofSeconds(10));    // drains what is pending
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Writers offer keys to a JCTools MPSC queue; exactly one flusher thread consumes it.</li>
 *   <li>Per-key coalescing: a key has at most one pending write; a later put replaces it (last
 *       write wins) and a delete supersedes a pending put. Only the latest reaches the store.</li>
 *   <li>Per-key order: one flusher writes a key's writes in the order they were made, puts and
 *       deletes alike; a write made while the previous one of its key is being written waits for
 *       the next batch.</li>
 *   <li>A batch is written when it has {@code batchSize} keys or its oldest write is
 *       {@code maxDelay} old; puts go in one {@link CacheStore#writeAll}, deletes in one
 *       {@link CacheStore#deleteAll}.</li>
 *   <li>A failed batch is retried with the configured {@code Backoff} up to {@code maxAttempts};
 *       then each of its writes is tried alone once, and the ones that still fail go to the
 *       {@linkplain #onDeadLetter dead-letter listeners} with key and value (logged at ERROR when
 *       there is none). Nothing is dropped silently.</li>
 *   <li>The buffer holds at most {@code capacity} keys; beyond it the {@link OverflowPolicy} applies.</li>
 *   <li>Reads see pending writes, also after the cache evicted them: the cache holds a buffered
 *       key's pending writes in place of its value, and a load asks the buffer before the store.
 *       So a later write of a buffered key updates neither map nor cache: it swaps the key's
 *       latest write with one compare-and-set.</li>
 *   <li>{@link #flush()} and {@link #close(Duration)} drain everything buffered.</li>
 * </ul>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface WriteBehindCache<K, V> extends ResilientCache<K, V>, AutoCloseable {

    /**
     * Writes everything buffered now, and returns when it is in the store or dead-lettered.
     *
     * @throws IllegalStateException if the flusher has stopped
     */
    void flush();

    /**
     * Stops accepting writes, drains the buffer and stops the flusher, waiting at most
     * {@code deadline}. Writes still pending then are dead-lettered.
     *
     * @return true if everything reached the store or a dead-letter listener in time
     */
    boolean close(Duration deadline);

    /** {@link #close(Duration)} with 30 seconds. */
    @Override
    void close();

    /** Delivers each dead letter to {@code listener}, in the flusher's thread. */
    Subscription onDeadLetter(EventListener<? super DeadLetter<K, V>> listener);

    /** The buffer's counters. */
    WriteBehindMetrics writeBehindMetrics();
}
