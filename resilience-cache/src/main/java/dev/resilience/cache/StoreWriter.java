package dev.resilience.cache;

import dev.resilience.api.Clock;
import dev.resilience.api.EventPublisher;
import dev.resilience.api.ThrowingRunnable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every write-behind mode writes a batch to the store: puts in one {@code writeAll}, deletes
 * in one {@code deleteAll}, each retried with the back-off; a group that still fails is written
 * one by one, once each, and what fails then is dead-lettered. Runs in one flusher thread.
 */
final class StoreWriter<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

    /** What the caller does with each write's outcome (its own bookkeeping; dead letters are sent here). */
    interface Outcome<K, V> {
        void written(K key, PendingWrite<V> write);

        void failed(K key, PendingWrite<V> write);
    }

    private final WriteBehindConfig config;
    private final CacheStore<K, V> store;
    private final Clock clock;
    final EventPublisher<DeadLetter<K, V>> deadLetters;
    final LongAdder written = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    final LongAdder storeCalls = new LongAdder();

    StoreWriter(WriteBehindConfig config, CacheStore<K, V> store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.deadLetters = new EventPublisher<>(config.name());
    }

    /** An insertion-ordered map sized for a batch of {@code entries}, so filling it never rehashes. */
    static <K, T> Map<K, T> batchMap(int entries) {
        return new LinkedHashMap<>(Math.max(16, (int) (entries / 0.75f) + 1));
    }

    /** Writes the latest write of each key; {@code outcome} hears of each. */
    void write(Map<K, PendingWrite<V>> puts, Map<K, PendingWrite<V>> deletes, Outcome<K, V> outcome) {
        if (!puts.isEmpty()) {
            Map<K, V> values = batchMap(puts.size());
            puts.forEach((key, write) -> values.put(key, write.value));
            writeGroup(puts, () -> store.writeAll(values), (key, write) -> store.write(key, write.value), outcome);
        }
        if (!deletes.isEmpty()) {
            writeGroup(deletes, () -> store.deleteAll(deletes.keySet()), (key, write) -> store.delete(key), outcome);
        }
    }

    private void writeGroup(Map<K, PendingWrite<V>> group, ThrowingRunnable<Exception> batch, SingleWrite<K, V> single,
            Outcome<K, V> outcome) {
        Throwable failure = null;
        long delay = 0;
        int attempts = 0;
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            if (attempt > 1) {
                retried.increment();
                delay = config.backoff().delayNanos(attempt - 1, delay);
                if (!sleep(delay)) {
                    break;
                }
            }
            attempts = attempt;
            failure = call(batch);
            if (failure == null) {
                group.forEach(outcome::written);
                written.add(group.size());
                return;
            }
        }
        LOG.warn("write-behind '{}': a batch of {} failed {} time(s), writing its entries one by one: {}",
                config.name(), group.size(), attempts, failure.toString());
        for (Map.Entry<K, PendingWrite<V>> e : group.entrySet()) {
            PendingWrite<V> write = e.getValue();
            Throwable alone = group.size() == 1 ? failure : call(() -> single.write(e.getKey(), write));
            if (alone == null) {
                written.increment();
                outcome.written(e.getKey(), write);
            } else {
                outcome.failed(e.getKey(), write);
                deadLetter(e.getKey(), write, alone, attempts + (group.size() == 1 ? 0 : 1));
            }
        }
    }

    /** Reports a write given up: to the listeners, or at ERROR when there is none. */
    void deadLetter(K key, PendingWrite<V> write, Throwable error, int attempts) {
        deadLettered.increment();
        DeadLetter<K, V> letter = new DeadLetter<>(key, write.value, write.value == null, error, attempts);
        if (deadLetters.hasListeners()) {
            deadLetters.publish(letter);
        } else {
            LOG.error("write-behind '{}' gave up on {} {} after {} attempt(s) and no dead-letter listener is subscribed",
                    config.name(), letter.delete() ? "delete of" : "write of", key, attempts, error);
        }
    }

    private Throwable call(ThrowingRunnable<Exception> storeCall) {
        storeCalls.increment();
        try {
            storeCall.run();
            return null;
        } catch (Exception | Error e) {   // Errors too: a store's AssertionError must not kill the flusher
            return e;
        }
    }

    /** Sleeps a back-off on the clock; false if interrupted (a close that gave up). */
    private boolean sleep(long nanos) {
        try {
            clock.sleep(nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One key's store call, for the one-by-one pass after a batch failed. */
    @FunctionalInterface
    private interface SingleWrite<K, V> {
        void write(K key, PendingWrite<V> write) throws Exception;
    }
}
